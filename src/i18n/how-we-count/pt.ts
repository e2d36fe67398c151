// "How we count" in Portuguese (Brazilian, like the labels).
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const PT: HowWeCountProse = {
  heading: 'Como contamos os leitores',
  intro:
    'Um leitor é contado quando esta página fica aberta <strong>e visível</strong> durante {seconds} segundos, medidos pelo seu navegador e conferidos de novo pelo relógio do nosso servidor.',
  uniqueDaily: 'Cada visitante conta no máximo uma vez por artigo por dia (UTC).',
  everyRead: 'Conta cada visualização de página que atinge o tempo de leitura.',
  bots: 'Bots, navegadores automatizados e páginas sem JavaScript não são contados.',
  privacy:
    'Sem cookies. Seu endereço IP e o nome do seu navegador nunca são armazenados; para reconhecer uma visita repetida, guardamos um hash de mão única com um sal que muda todo dia e fica só na memória.',
  receipts: 'Cada artigo tem um recibo: quantas leituras foram contadas, quantas foram recusadas e por quê.',
  receiptsHeading: 'Recibos',
  receiptFor: 'Recibo de {post}',
  receiptSummary:
    'Total de leitores: {total}. Desde {since} UTC este servidor contou {counted} leituras e recusou {refused}:',
  refusedBecause: 'Motivo da recusa',
  readsColumn: 'Leituras',
  receiptJson:
    'Os mesmos números em JSON: {link}. Eles não contêm dados pessoais e recomeçam do zero quando o servidor reinicia.',
  readReasons: {
    repeat_visitor: 'Visitas repetidas (já contadas hoje)',
    network_limit: 'Acima do limite para uma mesma rede (MAX_READS_PER_NETWORK)',
    too_early: 'Cedo demais (antes de passar o tempo de leitura)',
    bot: 'Bots e navegadores automatizados',
    invalid_token: 'Token de página inválido ou expirado',
    token_replayed: 'Token de página reutilizado (já contado)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Mensagens demais (limite de frequência)',
    too_many_connections: 'Acima do limite de conexões para um endereço',
    retry_later: 'Sem decisão a tempo enquanto o armazenamento falhava (reenviado pela página)',
  },
  engagementHeading: 'Visualizações e relatórios de fim de visualização',
  engagementSummary:
    'Desde o mesmo momento, este servidor contou {views} visualizações e recebeu {reports} relatórios de fim de visualização ({clamped} cortados ao que o relógio do servidor permite). {badReferrers} referências não eram endereços da web e contaram como diretas.',
  viewsRefusedBecause: 'Visualizações recusadas: motivo',
  viewsColumn: 'Visualizações',
  reportsRefusedBecause: 'Relatórios recusados: motivo',
  reportsColumn: 'Relatórios',
  engagementReasons: {
    bot: 'Bots e navegadores automatizados',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Visitas repetidas (já contadas hoje)',
    invalid_token: 'Token de página inválido, forjado ou expirado',
    not_viewed: 'Visualização nunca contada como visualização',
    already_reported: 'Segundo relatório da mesma visualização',
    bad_visible_time: 'Tempo visível que não é um número, negativo ou longo demais',
    bad_depth: 'Profundidade que não é um número entre 0 e 1',
  },
};
