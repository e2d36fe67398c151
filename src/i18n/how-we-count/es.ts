// "How we count" in Spanish.
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const ES: HowWeCountProse = {
  heading: 'Cómo contamos a los lectores',
  intro:
    'Un lector se cuenta cuando esta página ha estado abierta <strong>y visible</strong> durante {seconds} segundos, según lo mide tu navegador y lo comprueba de nuevo el reloj de nuestro servidor.',
  uniqueDaily: 'Cada visitante cuenta como máximo una vez por artículo y día (UTC).',
  everyRead: 'Cuenta cada visita a la página que alcanza el tiempo de lectura.',
  bots: 'No se cuentan los bots, los navegadores automatizados ni las páginas sin JavaScript.',
  privacy:
    'Sin cookies. Tu dirección IP y el nombre de tu navegador nunca se guardan; para reconocer una visita repetida guardamos un hash de un solo sentido con una sal que cambia cada día y solo existe en memoria.',
  receipts: 'Cada artículo tiene un recibo: cuántas lecturas se contaron, cuántas se rechazaron y por qué.',
  receiptsHeading: 'Recibos',
  receiptFor: 'Recibo de {post}',
  receiptSummary:
    'Lectores en total: {total}. Desde el {since} UTC este servidor contó {counted} lecturas y rechazó {refused}:',
  refusedBecause: 'Motivo del rechazo',
  readsColumn: 'Lecturas',
  receiptJson:
    'Las mismas cifras en JSON: {link}. No contienen datos personales y empiezan de cero cuando el servidor se reinicia.',
  readReasons: {
    repeat_visitor: 'Visitas repetidas (ya contadas hoy)',
    network_limit: 'Por encima del límite para una misma red (MAX_READS_PER_NETWORK)',
    too_early: 'Demasiado pronto (antes de que pasara el tiempo de lectura)',
    bot: 'Bots y navegadores automatizados',
    invalid_token: 'Token de página no válido o caducado',
    token_replayed: 'Token de página reutilizado (ya contado)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Demasiados mensajes (límite de frecuencia)',
    too_many_connections: 'Por encima del límite de conexiones para una dirección',
    retry_later: 'Sin decisión a tiempo mientras fallaba el almacenamiento (la página lo reenvía)',
  },
  engagementHeading: 'Visitas e informes de final de visita',
  engagementSummary:
    'Desde ese mismo momento este servidor contó {views} visitas y recibió {reports} informes de final de visita ({clamped} recortados a lo que permite el reloj del servidor). {badReferrers} referentes no eran direcciones web y se contaron como directos.',
  viewsRefusedBecause: 'Visitas rechazadas: motivo',
  viewsColumn: 'Visitas',
  reportsRefusedBecause: 'Informes rechazados: motivo',
  reportsColumn: 'Informes',
  engagementReasons: {
    bot: 'Bots y navegadores automatizados',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Visitas repetidas (ya contadas hoy)',
    invalid_token: 'Token de página no válido, falsificado o caducado',
    not_viewed: 'Visita nunca contada como visita',
    already_reported: 'Segundo informe de la misma visita',
    bad_visible_time: 'Tiempo visible que no es un número, negativo o demasiado largo',
    bad_depth: 'Profundidad que no es un número entre 0 y 1',
  },
};
