-- Accounts: users, server-side sessions and personal API tokens.
-- migrate:up
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null default '',
  password_hash text not null,
  timezone text not null default 'UTC',
  locale text not null default 'en' check (locale in ('en', 'fr')),
  -- Cents per hour, so money stays integer; 20–500 per hour when set.
  hourly_rate_cents integer check (hourly_rate_cents between 2000 and 50000),
  role text not null default 'member' check (role in ('member', 'coach', 'admin')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Emails are stored lower-cased; the index keeps them unique whatever a caller forgets.
create unique index users_email_key on users (lower(email));

create table sessions (
  -- SHA-256 of the cookie value: a database leak does not hand out live sessions.
  id_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_id_idx on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user_id_idx on api_tokens (user_id);

-- migrate:down
drop table api_tokens;
drop table sessions;
drop table users;
