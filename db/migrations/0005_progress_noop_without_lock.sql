-- A progress post that changes nothing (the status already is the one asked for, and no new hourly
-- rate) no longer locks the analysis. The lock (SELECT … FOR UPDATE) is a write: it gives the
-- transaction an id, logs the row lock and makes COMMIT wait for the WAL flush — for an answer
-- that only reads. Clients re-send the status they see (a double click, a retry, the seed's
-- "same status: 200, no change"), so this is a common request. Answering from an unlocked read is
-- safe: "no change" is true at the moment of that read, and the snapshot returned is read after it.
-- Everything else takes the locked path of 0003 unchanged.
-- migrate:up

create or replace function apply_progress(
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
  -- Nothing to change: answer without the lock.
  select o.status, a.hourly_rate_cents into v_from, v_rate
  from analyses a join opportunities o on o.analysis_id = a.id
  where a.id = p_analysis and a.user_id = p_user and o.opportunity_id = p_opportunity;
  if found and v_from = p_status and (p_rate_cents is null or p_rate_cents = v_rate) then
    return json_build_object(
      'outcome', 'ok',
      'from', v_from,
      'rate_changed', false,
      'snapshot', analysis_snapshot(p_analysis, p_lookback_days));
  end if;

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
create or replace function apply_progress(
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
