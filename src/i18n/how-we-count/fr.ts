// "How we count" in French.
import type { HowWeCountProse } from '../how-we-count-prose.js';

export const FR: HowWeCountProse = {
  heading: 'Comment nous comptons les lecteurs',
  intro:
    'Un lecteur est compté quand cette page est restée ouverte <strong>et visible</strong> pendant {seconds} secondes, mesurées par votre navigateur et vérifiées à nouveau par l’horloge de notre serveur.',
  uniqueDaily: 'Chaque visiteur compte au plus une fois par article et par jour (UTC).',
  everyRead: 'Chaque affichage de page qui atteint le temps de lecture compte.',
  bots: 'Les robots, les navigateurs automatisés et les pages sans JavaScript ne sont pas comptés.',
  privacy:
    'Aucun cookie. Votre adresse IP et le nom de votre navigateur ne sont jamais enregistrés ; pour reconnaître une visite répétée, nous gardons une empreinte à sens unique, avec un sel qui change chaque jour et n’existe qu’en mémoire.',
  receipts: 'Chaque article a un reçu : combien de lectures ont été comptées, combien ont été refusées, et pourquoi.',
  receiptsHeading: 'Reçus',
  receiptFor: 'Reçu pour {post}',
  receiptSummary:
    'Lecteurs au total : {total}. Depuis le {since} UTC, ce serveur a compté {counted} lectures et en a refusé {refused} :',
  refusedBecause: 'Motif du refus',
  readsColumn: 'Lectures',
  receiptJson:
    'Les mêmes chiffres en JSON : {link}. Ils ne contiennent aucune donnée personnelle et repartent de zéro au redémarrage du serveur.',
  readReasons: {
    repeat_visitor: 'Visites répétées (déjà comptées aujourd’hui)',
    network_limit: 'Au-delà de la limite pour un même réseau (MAX_READS_PER_NETWORK)',
    too_early: 'Trop tôt (avant la fin du temps de lecture)',
    bot: 'Robots et navigateurs automatisés',
    invalid_token: 'Jeton de page invalide ou expiré',
    token_replayed: 'Jeton de page réutilisé (déjà compté)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Trop de messages (débit limité)',
    too_many_connections: 'Au-delà de la limite de connexions pour une adresse',
    retry_later: 'Pas de décision à temps pendant une panne du stockage (renvoyé par la page)',
  },
  engagementHeading: 'Affichages et rapports de fin d’affichage',
  engagementSummary:
    'Depuis le même moment, ce serveur a compté {views} affichages et reçu {reports} rapports de fin d’affichage ({clamped} ramenés à ce que permet l’horloge du serveur). {badReferrers} référents n’étaient pas des adresses web et ont été comptés comme directs.',
  viewsRefusedBecause: 'Affichages refusés : motif',
  viewsColumn: 'Affichages',
  reportsRefusedBecause: 'Rapports refusés : motif',
  reportsColumn: 'Rapports',
  engagementReasons: {
    bot: 'Robots et navigateurs automatisés',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Visites répétées (déjà comptées aujourd’hui)',
    invalid_token: 'Jeton de page invalide, falsifié ou expiré',
    not_viewed: 'Affichage jamais compté comme tel',
    already_reported: 'Deuxième rapport pour le même affichage',
    bad_visible_time: 'Temps visible non numérique, négatif ou trop long',
    bad_depth: 'Profondeur qui n’est pas un nombre entre 0 et 1',
  },
};
