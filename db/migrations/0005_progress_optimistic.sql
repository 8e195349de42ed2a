-- Progress changes without holding the analysis lock across a round trip to the application.
-- Badges are evaluated in TypeScript (lib/badges/criteria.ts). Until now the analysis row stayed
-- locked from apply_progress() until the application had evaluated them and sent COMMIT: every
-- other change of that analysis waited for a round trip and for the application's event loop.
-- Now the application reads the snapshot with the analysis' revision, applies the change to it
-- itself, evaluates badges on the result, and commit_progress() applies change and awards in one
-- statement — if, under the lock, the revision is still the one read; otherwise nothing is written
-- and the application decides again (after a few conflicts, with the analysis locked; all in
-- lib/opportunities/progress.ts). Every writer of the analysis' snapshot bumps the revision
-- (progress here, the remembered rate, a subscription adopting its rate). A post that changes
-- nothing or is refused is answered from the unlocked read and takes no lock at all.
-- apply_progress() (0003) has no caller left and goes.
-- migrate:up

alter table analyses add column revision integer not null default 0;

-- Returns {outcome: 'analysis_not_found'}, or {outcome: 'conflict', revision, snapshot} with the
-- current state to decide on again (nothing written), or
-- {outcome: 'ok', revision, awards: [{badge_key, badge_version, earned_at}]} with everything applied.
create function commit_progress(
  p_analysis uuid,
  p_user uuid,
  p_revision integer,
  p_opportunity text,
  p_from text,
  p_status text,
  p_rate_cents integer,
  p_at timestamptz,
  p_badge_keys text[],
  p_badge_versions integer[],
  p_lookback_days integer
) returns json
language plpgsql volatile as $$
declare
  v_revision integer;
  v_status text;
  v_awards json;
begin
  select revision into v_revision
  from analyses where id = p_analysis and user_id = p_user
  for update;
  if not found then
    return json_build_object('outcome', 'analysis_not_found');
  end if;
  -- The state the change was decided on must still be there: the revision (every writer of what
  -- badges read bumps it) and, in case a writer did not, the status itself.
  select status into v_status
  from opportunities where analysis_id = p_analysis and opportunity_id = p_opportunity;
  if v_revision <> p_revision or v_status is distinct from p_from then
    return json_build_object(
      'outcome', 'conflict',
      'revision', v_revision,
      'snapshot', analysis_snapshot(p_analysis, p_lookback_days));
  end if;

  update analyses
  set revision = revision + 1,
      hourly_rate_cents = coalesce(p_rate_cents, hourly_rate_cents)
  where id = p_analysis;

  if p_from <> p_status then
    update opportunities
    set status = p_status,
        implemented_at = case when p_status = 'IMPLEMENTED' then p_at end,
        status_changed_at = p_at
    where analysis_id = p_analysis and opportunity_id = p_opportunity;
    insert into progress_events (analysis_id, opportunity_id, from_status, to_status, occurred_at)
    values (p_analysis, p_opportunity, p_from, p_status, p_at);
  end if;

  with inserted as (
    insert into user_badges (analysis_id, badge_key, badge_version, earned_at)
    select p_analysis, k, v, p_at from unnest(p_badge_keys, p_badge_versions) as t(k, v)
    on conflict (analysis_id, badge_key) do nothing
    returning badge_key, badge_version, earned_at
  )
  select coalesce(json_agg(json_build_object(
           'badge_key', badge_key, 'badge_version', badge_version, 'earned_at', earned_at)
           order by badge_key), '[]')
  into v_awards from inserted;

  return json_build_object('outcome', 'ok', 'revision', v_revision + 1, 'awards', v_awards);
end
$$;

drop function apply_progress(uuid, uuid, text, text, text[], integer, integer);

-- migrate:down
drop function commit_progress(
  uuid, uuid, integer, text, text, text, integer, timestamptz, text[], integer[], integer);
alter table analyses drop column revision;

create function apply_progress(
  p_analysis uuid,
  p_user uuid,
  p_opportunity text,
  p_status text,
  p_allowed_from text[],
  p_rate_cents integer,
  p_lookback_days integer
) returns json
language plpgsql volatile as $$
declare
  v_rate integer;
  v_from text;
  v_rate_changed boolean := false;
begin
  -- Lock first. Under READ COMMITTED every later statement of this (volatile) function reads a
  -- fresh snapshot, so it sees whatever the previous holder of the lock committed: a status read
  -- together with the lock could be stale and let a change out of IMPLEMENTED through.
  select hourly_rate_cents into v_rate
  from analyses where id = p_analysis and user_id = p_user
  for update;
  if not found then
    return json_build_object('outcome', 'analysis_not_found');
  end if;

  select status into v_from
  from opportunities where analysis_id = p_analysis and opportunity_id = p_opportunity;
  if not found then
    return json_build_object('outcome', 'opportunity_not_found');
  end if;
  if v_from <> p_status and not (v_from = any (p_allowed_from)) then
    return json_build_object('outcome', 'invalid_transition', 'from', v_from);
  end if;

  if p_rate_cents is not null and p_rate_cents is distinct from v_rate then
    update analyses set hourly_rate_cents = p_rate_cents where id = p_analysis;
    v_rate_changed := true;
  end if;

  if v_from <> p_status then
    update opportunities
    set status = p_status,
        implemented_at = case when p_status = 'IMPLEMENTED' then now() end,
        status_changed_at = now()
    where analysis_id = p_analysis and opportunity_id = p_opportunity;
    insert into progress_events (analysis_id, opportunity_id, from_status, to_status)
    values (p_analysis, p_opportunity, v_from, p_status);
  end if;

  return json_build_object(
    'outcome', 'ok',
    'from', v_from,
    'rate_changed', v_rate_changed,
    'snapshot', analysis_snapshot(p_analysis, p_lookback_days));
end
$$;
