// "How we count" in German.
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const DE: HowWeCountProse = {
  heading: 'Wie wir Leser zählen',
  intro:
    'Ein Leser wird gezählt, wenn diese Seite {seconds} Sekunden lang geöffnet <strong>und sichtbar</strong> war – gemessen von Ihrem Browser und noch einmal mit der Uhr unseres Servers geprüft.',
  uniqueDaily: 'Jeder Besucher zählt höchstens einmal pro Beitrag und Tag (UTC).',
  everyRead: 'Jeder Seitenaufruf, der die Lesezeit erreicht, zählt.',
  bots: 'Bots, automatisierte Browser und Seiten ohne JavaScript werden nicht gezählt.',
  privacy:
    'Keine Cookies. Ihre IP-Adresse und Ihr Browsername werden nie gespeichert; um einen wiederholten Besuch zu erkennen, behalten wir einen Einweg-Hash mit einem Salt, das sich jeden Tag ändert und nur im Arbeitsspeicher liegt.',
  receipts: 'Jeder Beitrag hat einen Beleg: wie viele Leser gezählt und wie viele abgelehnt wurden, und warum.',
  receiptsHeading: 'Belege',
  receiptFor: 'Beleg für {post}',
  receiptSummary:
    'Leser insgesamt: {total}. Seit {since} UTC hat dieser Server {counted} Leser gezählt und {refused} abgelehnt:',
  refusedBecause: 'Abgelehnt wegen',
  readsColumn: 'Leser',
  receiptJson:
    'Dieselben Zahlen als JSON: {link}. Sie enthalten keine personenbezogenen Daten und beginnen nach einem Neustart des Servers von vorn.',
  readReasons: {
    repeat_visitor: 'Wiederholter Besuch (heute schon gezählt)',
    network_limit: 'Über dem Kontingent für ein Netz (MAX_READS_PER_NETWORK)',
    too_early: 'Zu früh (bevor die Lesezeit vorbei war)',
    bot: 'Bots und automatisierte Browser',
    invalid_token: 'Ungültiges oder abgelaufenes Seiten-Token',
    token_replayed: 'Wiederverwendetes Seiten-Token (schon gezählt)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Zu viele Nachrichten (Ratenbegrenzung)',
    too_many_connections: 'Über dem Verbindungslimit für eine Adresse',
    retry_later: 'Nicht rechtzeitig entschieden, während der Speicher ausfiel (von der Seite erneut gesendet)',
  },
  engagementHeading: 'Aufrufe und Berichte am Ende eines Aufrufs',
  engagementSummary:
    'Seit demselben Zeitpunkt hat dieser Server {views} Aufrufe gezählt und {reports} Berichte am Ende eines Aufrufs angenommen ({clamped} davon auf das gekürzt, was die Uhr des Servers zulässt). {badReferrers} Verweise waren keine Webadressen und zählten als direkt.',
  viewsRefusedBecause: 'Aufrufe abgelehnt wegen',
  viewsColumn: 'Aufrufe',
  reportsRefusedBecause: 'Berichte abgelehnt wegen',
  reportsColumn: 'Berichte',
  engagementReasons: {
    bot: 'Bots und automatisierte Browser',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Wiederholter Besuch (heute schon gezählt)',
    invalid_token: 'Ungültiges, gefälschtes oder abgelaufenes Seiten-Token',
    not_viewed: 'Seitenaufruf nie als Aufruf gezählt',
    already_reported: 'Zweiter Bericht für denselben Seitenaufruf',
    bad_visible_time: 'Sichtbare Zeit keine Zahl, negativ oder zu lang',
    bad_depth: 'Tiefe keine Zahl zwischen 0 und 1',
  },
};
