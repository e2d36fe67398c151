// "How we count" in Dutch.
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const NL: HowWeCountProse = {
  heading: 'Hoe we lezers tellen',
  intro:
    'Een lezer wordt geteld wanneer deze pagina {seconds} seconden open <strong>en zichtbaar</strong> is geweest, gemeten door je browser en nog eens gecontroleerd met de klok van onze server.',
  uniqueDaily: 'Elke bezoeker telt hooguit één keer per bericht per dag (UTC).',
  everyRead: 'Elke paginaweergave die de leestijd haalt, telt.',
  bots: 'Bots, geautomatiseerde browsers en pagina’s zonder JavaScript worden niet geteld.',
  privacy:
    'Geen cookies. Je IP-adres en browsernaam worden nooit opgeslagen; om een herhaald bezoek te herkennen bewaren we een eenrichtingshash met een salt die elke dag verandert en alleen in het geheugen staat.',
  receipts: 'Elk bericht heeft een bonnetje: hoeveel lezers er zijn geteld, hoeveel er zijn geweigerd, en waarom.',
  receiptsHeading: 'Bonnetjes',
  receiptFor: 'Bonnetje voor {post}',
  receiptSummary:
    'Lezers in totaal: {total}. Sinds {since} UTC heeft deze server {counted} lezers geteld en {refused} geweigerd:',
  refusedBecause: 'Reden van weigering',
  readsColumn: 'Lezers',
  receiptJson:
    'Dezelfde cijfers als JSON: {link}. Ze bevatten geen persoonsgegevens en beginnen opnieuw wanneer de server herstart.',
  readReasons: {
    repeat_visitor: 'Herhaalde bezoeken (vandaag al geteld)',
    network_limit: 'Boven de limiet voor één netwerk (MAX_READS_PER_NETWORK)',
    too_early: 'Te vroeg (voordat de leestijd voorbij was)',
    bot: 'Bots en geautomatiseerde browsers',
    invalid_token: 'Ongeldig of verlopen paginatoken',
    token_replayed: 'Hergebruikt paginatoken (al geteld)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Te veel berichten (snelheidslimiet)',
    too_many_connections: 'Boven de limiet voor verbindingen vanaf één adres',
    retry_later: 'Niet op tijd beslist terwijl de opslag faalde (opnieuw verstuurd door de pagina)',
  },
  engagementHeading: 'Weergaven en meldingen aan het einde van een weergave',
  engagementSummary:
    'Sinds hetzelfde moment heeft deze server {views} weergaven geteld en {reports} eindmeldingen ontvangen ({clamped} ingekort tot wat de klok van de server toelaat). {badReferrers} verwijzers waren geen webadressen en telden als direct.',
  viewsRefusedBecause: 'Weergaven geweigerd: reden',
  viewsColumn: 'Weergaven',
  reportsRefusedBecause: 'Meldingen geweigerd: reden',
  reportsColumn: 'Meldingen',
  engagementReasons: {
    bot: 'Bots en geautomatiseerde browsers',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Herhaalde bezoeken (vandaag al geteld)',
    invalid_token: 'Ongeldig, vervalst of verlopen paginatoken',
    not_viewed: 'Paginaweergave nooit als weergave geteld',
    already_reported: 'Tweede melding voor dezelfde paginaweergave',
    bad_visible_time: 'Zichtbare tijd geen getal, negatief of te lang',
    bad_depth: 'Diepte geen getal tussen 0 en 1',
  },
};
