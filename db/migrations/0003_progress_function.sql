-- A status change in one statement: lock the analysis, check the transition, apply it, log it and
-- read the snapshot back, where it used to take four statements (docs/benchmarks.md). The
-- transition rule itself stays in TypeScript (lib/opportunities/transitions.ts): callers pass
-- the statuses a change may come from, and this function enforces that list under the lock.
-- migrate:up

-- Everything the dashboard shows of one analysis, as JSON; null if there is no such analysis.
-- Activity: the distinct 15-minute buckets with progress events in the last `lookback_days`.
-- PL/pgSQL rather than SQL: a SQL function like this one is not inlined, and is planned anew on
-- every call; PL/pgSQL keeps its plan for the session.
create function analysis_snapshot(p_analysis uuid, p_lookback_days integer) returns json
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

-- Returns {outcome: 'analysis_not_found' | 'opportunity_not_found'} or
-- {outcome: 'invalid_transition', from} (nothing written), or
-- {outcome: 'ok', from, rate_changed, snapshot} with the change applied.
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

-- migrate:down
drop function apply_progress(uuid, uuid, text, text, text[], integer, integer);
drop function analysis_snapshot(uuid, integer);
