-- Streak activity without re-reading the whole event log. The dashboard snapshot needs the
-- distinct 15-minute buckets in which an analysis had progress events (every UTC offset in use
-- is a whole number of quarter hours, so buckets map onto local days in any zone). Computing them
-- from progress_events meant visiting every event of the last 400 days on every snapshot — a
-- cost that grew without bound with an analysis' history (0.4 ms at ~460 events, most of a
-- snapshot; docs/benchmarks.md). The buckets are now kept as events are logged.
--
-- progress_events stays the append-only record; activity_buckets is derived from it, by a
-- trigger, so no writer can log an event and forget its bucket.
-- migrate:up

create table activity_buckets (
  analysis_id uuid not null references analyses (id) on delete cascade,
  bucket timestamptz not null,
  primary key (analysis_id, bucket)
);

create function activity_bucket_of(p_at timestamptz) returns timestamptz
language sql immutable parallel safe
return date_bin('15 minutes', p_at, timestamptz '2000-01-01 00:00:00+00');

insert into activity_buckets (analysis_id, bucket)
select distinct analysis_id, activity_bucket_of(occurred_at) from progress_events;

create function record_activity_bucket() returns trigger
language plpgsql as $$
begin
  insert into activity_buckets (analysis_id, bucket)
  values (new.analysis_id, activity_bucket_of(new.occurred_at))
  on conflict do nothing;
  return null;
end
$$;

create trigger progress_events_activity
after insert on progress_events
for each row execute function record_activity_bucket();

-- As in 0003, with activity read from the buckets: a bucket counts while it overlaps the
-- lookback window.
create or replace function analysis_snapshot(p_analysis uuid, p_lookback_days integer)
returns json
language plpgsql stable as $$
begin
  return (select json_build_object(
    'id', a.id, 'user_id', a.user_id, 'url', a.url,
    'company_name', a.company_name, 'sector', a.sector,
    'estimated_size', a.estimated_size, 'tier', a.tier,
    'hourly_rate_cents', a.hourly_rate_cents,
    'created_at', a.created_at, 'completed_at', a.completed_at,
    'opportunities', coalesce((
      select json_agg(json_build_object(
               'opportunity_id', o.opportunity_id, 'category', o.category,
               'position', o.position, 'centihours_per_week', o.centihours_per_week,
               'complexity_level', o.complexity_level, 'problem_teaser', o.problem_teaser,
               'tools_hint', o.tools_hint, 'status', o.status,
               'implemented_at', o.implemented_at) order by o.position)
      from opportunities o where o.analysis_id = a.id), '[]'),
    'awards', coalesce((
      select json_agg(json_build_object(
               'badge_key', b.badge_key, 'badge_version', b.badge_version,
               'earned_at', b.earned_at) order by b.earned_at, b.badge_key)
      from user_badges b where b.analysis_id = a.id), '[]'),
    'activity', coalesce((
      select json_agg(ab.bucket order by ab.bucket)
      from activity_buckets ab
      where ab.analysis_id = a.id
        and ab.bucket > now() - make_interval(days => p_lookback_days) - interval '15 minutes'),
      '[]'))
  from analyses a
  where a.id = p_analysis);
end
$$;

-- migrate:down
create or replace function analysis_snapshot(p_analysis uuid, p_lookback_days integer)
returns json
language plpgsql stable as $$
begin
  return (select json_build_object(
    'id', a.id, 'user_id', a.user_id, 'url', a.url,
    'company_name', a.company_name, 'sector', a.sector,
    'estimated_size', a.estimated_size, 'tier', a.tier,
    'hourly_rate_cents', a.hourly_rate_cents,
    'created_at', a.created_at, 'completed_at', a.completed_at,
    'opportunities', coalesce((
      select json_agg(json_build_object(
               'opportunity_id', o.opportunity_id, 'category', o.category,
               'position', o.position, 'centihours_per_week', o.centihours_per_week,
               'complexity_level', o.complexity_level, 'problem_teaser', o.problem_teaser,
               'tools_hint', o.tools_hint, 'status', o.status,
               'implemented_at', o.implemented_at) order by o.position)
      from opportunities o where o.analysis_id = a.id), '[]'),
    'awards', coalesce((
      select json_agg(json_build_object(
               'badge_key', b.badge_key, 'badge_version', b.badge_version,
               'earned_at', b.earned_at) order by b.earned_at, b.badge_key)
      from user_badges b where b.analysis_id = a.id), '[]'),
    'activity', coalesce((
      select json_agg(distinct date_bin('15 minutes', e.occurred_at,
                                        timestamptz '2000-01-01 00:00:00+00'))
      from progress_events e
      where e.analysis_id = a.id
        and e.occurred_at > now() - make_interval(days => p_lookback_days)), '[]'))
  from analyses a
  where a.id = p_analysis);
end
$$;
drop trigger progress_events_activity on progress_events;
drop function record_activity_bucket();
drop table activity_buckets;
drop function activity_bucket_of(timestamptz);
