-- Opportunities dashboard (seed 001): imported analyses, their opportunities with progress, an
-- append-only log of progress events, data-defined badges, awards and email subscriptions.
-- migrate:up
create table analyses (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  url text not null,
  -- SHA-256 of the normalised URL: the duplicate-import key (seed FR-6).
  url_hash text not null,
  company_name text not null,
  sector text not null default '',
  estimated_size text not null default '',
  tier text not null default '',
  results_summary jsonb not null,
  -- Remembered from progress updates or subscriptions; cents per hour.
  hourly_rate_cents integer check (hourly_rate_cents between 2000 and 50000),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  imported_at timestamptz not null default now(),
  check (completed_at is null or completed_at >= created_at)
);
create index analyses_user_created_idx on analyses (user_id, created_at desc);
create index analyses_user_url_idx on analyses (user_id, url_hash, imported_at desc);

create table opportunities (
  analysis_id uuid not null references analyses (id) on delete cascade,
  opportunity_id text not null,
  category text not null
    check (category in ('digital_presence', 'value_creation', 'business_management')),
  position smallint not null,
  -- Hundredths of an hour per week, so sums stay exact.
  centihours_per_week integer not null check (centihours_per_week between 0 and 16800),
  complexity_level smallint not null check (complexity_level between 1 and 10),
  problem_teaser text not null default '',
  tools_hint text not null default '',
  status text not null default 'NOT_STARTED'
    check (status in ('NOT_STARTED', 'IN_PROGRESS', 'IMPLEMENTED')),
  implemented_at timestamptz,
  status_changed_at timestamptz,
  primary key (analysis_id, opportunity_id),
  check ((status = 'IMPLEMENTED') = (implemented_at is not null))
);

-- Append-only: every status change, never updated or deleted (streaks are computed from it).
create table progress_events (
  id bigint generated always as identity primary key,
  analysis_id uuid not null references analyses (id) on delete cascade,
  opportunity_id text not null,
  from_status text not null,
  to_status text not null,
  occurred_at timestamptz not null default now()
);
create index progress_events_analysis_idx on progress_events (analysis_id, occurred_at);

-- Badge rules as data: a criterion function name plus its parameters. A new version of a badge
-- is a new row; awards record the version they were earned under.
create table badge_definitions (
  badge_key text not null,
  version integer not null default 1,
  criterion text not null,
  params jsonb not null default '{}',
  points integer not null check (points >= 0),
  icon text not null,
  sort_order integer not null,
  name jsonb not null,
  description jsonb not null,
  active boolean not null default true,
  primary key (badge_key, version)
);
-- At most one active version per badge.
create unique index badge_definitions_active_idx on badge_definitions (badge_key) where active;

insert into badge_definitions
  (badge_key, criterion, params, points, icon, sort_order, name, description) values
  ('first_step', 'any_progress', '{}', 10, '🎯', 1,
   '{"en": "First Step", "fr": "Premier Pas"}',
   '{"en": "You started your first opportunity!", "fr": "Vous avez commencé votre première opportunité!"}'),
  ('quick_win', 'implemented_within_days', '{"days": 7}', 25, '⚡', 2,
   '{"en": "Quick Win", "fr": "Victoire Rapide"}',
   '{"en": "First opportunity implemented within 7 days!", "fr": "Première opportunité complétée en moins de 7 jours!"}'),
  ('time_saver', 'implemented_hours_at_least', '{"hours_per_week": 10}', 50, '⏰', 3,
   '{"en": "Time Saver", "fr": "Économiseur de Temps"}',
   '{"en": "You already save 10+ hours per week!", "fr": "Vous économisez déjà 10+ heures par semaine!"}'),
  ('efficiency_expert', 'all_implemented', '{}', 100, '🏆', 4,
   '{"en": "Efficiency Expert", "fr": "Expert Efficacité"}',
   '{"en": "Every opportunity implemented!", "fr": "Toutes les opportunités implémentées!"}'),
  ('streak_master', 'activity_streak_days', '{"days": 7}', 75, '🔥', 5,
   '{"en": "Streak Master", "fr": "Maître de la Constance"}',
   '{"en": "Activity on 7 consecutive days!", "fr": "Activité pendant 7 jours consécutifs!"}');

create table user_badges (
  analysis_id uuid not null references analyses (id) on delete cascade,
  badge_key text not null,
  badge_version integer not null,
  earned_at timestamptz not null default now(),
  -- The unique key makes awards idempotent under concurrency.
  primary key (analysis_id, badge_key),
  foreign key (badge_key, badge_version) references badge_definitions (badge_key, version)
);

create table email_subscriptions (
  id uuid primary key default gen_random_uuid(),
  analysis_id uuid not null references analyses (id) on delete cascade,
  email text not null,
  frequency text not null check (frequency in ('weekly', 'monthly')),
  active boolean not null default true,
  hourly_rate_cents integer check (hourly_rate_cents between 2000 and 50000),
  last_sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (analysis_id, email)
);
create index email_subscriptions_due_idx on email_subscriptions (frequency, last_sent_at) where active;

-- migrate:down
drop table email_subscriptions;
drop table user_badges;
drop table badge_definitions;
drop table progress_events;
drop table opportunities;
drop table analyses;
