// "How we count" in Italian.
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const IT: HowWeCountProse = {
  heading: 'Come contiamo i lettori',
  intro:
    'Un lettore viene contato quando questa pagina è rimasta aperta <strong>e visibile</strong> per {seconds} secondi, misurati dal tuo browser e verificati di nuovo dall’orologio del nostro server.',
  uniqueDaily: 'Ogni visitatore conta al massimo una volta per articolo al giorno (UTC).',
  everyRead: 'Conta ogni visualizzazione di pagina che raggiunge il tempo di lettura.',
  bots: 'Bot, browser automatizzati e pagine senza JavaScript non vengono contati.',
  privacy:
    'Nessun cookie. Il tuo indirizzo IP e il nome del tuo browser non vengono mai salvati; per riconoscere una visita ripetuta teniamo un hash a senso unico con un sale che cambia ogni giorno e vive solo in memoria.',
  receipts: 'Ogni articolo ha una ricevuta: quante letture sono state contate, quante rifiutate e perché.',
  receiptsHeading: 'Ricevute',
  receiptFor: 'Ricevuta per {post}',
  receiptSummary:
    'Lettori totali: {total}. Dal {since} UTC questo server ha contato {counted} letture e ne ha rifiutate {refused}:',
  refusedBecause: 'Motivo del rifiuto',
  readsColumn: 'Letture',
  receiptJson:
    'Gli stessi numeri in JSON: {link}. Non contengono dati personali e ripartono da zero quando il server si riavvia.',
  readReasons: {
    repeat_visitor: 'Visite ripetute (già contate oggi)',
    network_limit: 'Oltre il limite per una stessa rete (MAX_READS_PER_NETWORK)',
    too_early: 'Troppo presto (prima che fosse passato il tempo di lettura)',
    bot: 'Bot e browser automatizzati',
    invalid_token: 'Token di pagina non valido o scaduto',
    token_replayed: 'Token di pagina riutilizzato (già contato)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Troppi messaggi (limite di frequenza)',
    too_many_connections: 'Oltre il limite di connessioni per un indirizzo',
    retry_later: 'Nessuna decisione in tempo mentre l’archivio non rispondeva (la pagina lo rimanda)',
  },
  engagementHeading: 'Visualizzazioni e resoconti di fine visualizzazione',
  engagementSummary:
    'Dallo stesso momento questo server ha contato {views} visualizzazioni e ricevuto {reports} resoconti di fine visualizzazione ({clamped} ridotti a quanto consente l’orologio del server). {badReferrers} referrer non erano indirizzi web e sono stati contati come diretti.',
  viewsRefusedBecause: 'Visualizzazioni rifiutate: motivo',
  viewsColumn: 'Visualizzazioni',
  reportsRefusedBecause: 'Resoconti rifiutati: motivo',
  reportsColumn: 'Resoconti',
  engagementReasons: {
    bot: 'Bot e browser automatizzati',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Visite ripetute (già contate oggi)',
    invalid_token: 'Token di pagina non valido, falsificato o scaduto',
    not_viewed: 'Visualizzazione mai contata come tale',
    already_reported: 'Secondo resoconto per la stessa visualizzazione',
    bad_visible_time: 'Tempo visibile non numerico, negativo o troppo lungo',
    bad_depth: 'Profondità che non è un numero tra 0 e 1',
  },
};
