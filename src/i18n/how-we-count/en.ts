// "How we count" in English: the source every other language translates (and falls back to).
export const EN = {
  heading: 'How we count readers',
  intro:
    'A reader is counted when this page has been open <strong>and visible</strong> for {seconds} seconds, as measured by your browser and checked again on our server’s clock.',
  uniqueDaily: 'Each visitor counts at most once per post per day (UTC).',
  everyRead: 'Every page view that reaches the reading time counts.',
  bots: 'Bots, automated browsers and pages without JavaScript are not counted.',
  privacy:
    'No cookies. Your IP address and browser name are never stored; to recognise a repeat visit we keep a one-way hash with a salt that changes every day and lives only in memory.',
  receipts: 'Each post has a receipt: how many reads were counted and how many were refused, and why.',
  receiptsHeading: 'Receipts',
  receiptFor: 'Receipt for {post}',
  receiptSummary:
    'Total readers: {total}. Since {since} UTC this server counted {counted} reads and refused {refused}:',
  refusedBecause: 'Refused because',
  readsColumn: 'Reads',
  receiptJson: 'The same numbers as JSON: {link}. They hold no personal data and start again when the server restarts.',
  readReasons: {
    repeat_visitor: 'Repeat visits (already counted today)',
    network_limit: 'Over the allowance for one network (MAX_READS_PER_NETWORK)',
    too_early: 'Too early (before the reading time had passed)',
    bot: 'Bots and automated browsers',
    invalid_token: 'Bad or expired page token',
    token_replayed: 'Replayed page token (already counted)',
    dnt: 'Do Not Track / Global Privacy Control',
    rate_limited: 'Rate-limited (too many messages)',
    too_many_connections: 'Over the connection limit for one address',
    retry_later: 'Not decided in time while the store was failing (sent again by the page)',
  },
  engagementHeading: 'Views and end-of-view reports',
  engagementSummary:
    'Since the same time this server counted {views} views and took {reports} end-of-view reports ({clamped} cut to what the server’s clock allows). {badReferrers} referrers were not web addresses and counted as direct.',
  viewsRefusedBecause: 'Views refused because',
  viewsColumn: 'Views',
  reportsRefusedBecause: 'Reports refused because',
  reportsColumn: 'Reports',
  engagementReasons: {
    bot: 'Bots and automated browsers',
    dnt: 'Do Not Track / Global Privacy Control',
    repeat_visitor: 'Repeat visits (already counted today)',
    invalid_token: 'Bad, forged or expired page token',
    not_viewed: 'Page view never counted as a view',
    already_reported: 'Second report for the same page view',
    bad_visible_time: 'Visible time not a number, negative or too long',
    bad_depth: 'Depth not a number between 0 and 1',
  },
} as const;
