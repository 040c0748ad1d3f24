// The Lua scripts that make quota accounting atomic. None of them decides allow/deny: the model's `decide` does, in
// TypeScript, on a snapshot; `reserve` then commits the reservation only if nothing raised usage since that snapshot
// (optimistic compare-and-set on `ver`), else the caller takes a new snapshot and asks the model again.
//
// Amounts are passed as decimal strings and written with HINCRBY on those strings: Lua numbers are doubles and turn
// into "1e+15"-style text when converted, so no Lua-computed number is ever written back. Sums are returned as integer
// replies (exact below 2^53 bytes, 9 PB).

/** Snapshot: expired cache entries give their bytes back; then committed usage, held reservations, expired ones.
 * KEYS state, resv, resvexp, csize, cexp, period  ARGV now, cachePrefix, period, cacheKey|"" */
const snapshot = `
local now = tonumber(ARGV[1])
local gone = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)
local hydrated = redis.call('HEXISTS', KEYS[1], 'hydrated') == 1
for _, k in ipairs(gone) do
  local sz = redis.call('HGET', KEYS[4], k)
  redis.call('HDEL', KEYS[4], k)
  redis.call('ZREM', KEYS[5], k)
  redis.call('DEL', ARGV[2] .. k)
  if hydrated and sz and sz ~= '0' then redis.call('HINCRBY', KEYS[1], 'redis', '-' .. sz) end
end
local st = redis.call('HMGET', KEYS[1], 'hydrated', 'ver', 'tier', 'storage', 'redis', 'cseq')
local p = redis.call('HMGET', KEYS[6], 'requests', 'bandwidth')
local hreq, hredis, hsto, hbw = 0, 0, 0, 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local f = {}
  for x in string.gmatch(all[i + 1], '[^|]+') do f[#f + 1] = x end
  if f[1] == ARGV[3] then
    hreq = hreq + tonumber(f[2])
    hbw = hbw + tonumber(f[5])
  end
  hredis = hredis + tonumber(f[3])
  hsto = hsto + tonumber(f[4])
end
local entry = 0
if ARGV[4] ~= '' then entry = tonumber(redis.call('HGET', KEYS[4], ARGV[4]) or '0') end
local out = { st[1] or '', st[2] or '', st[3] or '', tonumber(st[4] or '0'), tonumber(st[5] or '0'),
  tonumber(p[1] or '0'), tonumber(p[2] or '0'), hreq, hredis, hsto, hbw, entry, st[6] or '0' }
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, id in ipairs(expired) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out`

/** Compare-and-set a reservation. KEYS state, resv, resvexp  ARGV ver, id, data, expiresAt, mode(new|grow)
 * → 1 done, 0 usage changed since the snapshot, -1 reservation gone (grow), -2 id already used (new) */
const reserve = `
if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return 0 end
local exists = redis.call('HEXISTS', KEYS[2], ARGV[2])
if ARGV[5] == 'grow' and exists == 0 then return -1 end
if ARGV[5] == 'new' and exists == 1 then return -2 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
return 1`

/** Keep a live reservation from expiring. KEYS resv, resvexp  ARGV id, expiresAt → 1 renewed, 0 gone */
const touch = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
return 1`

/** KEYS resv, resvexp  ARGV id → 1 released, 0 was not held */
const release = `
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`

/** Turn a reservation into committed usage (actual amounts ≤ reserved), with the cache side effect in the same step.
 * KEYS state, resv, resvexp, period, done, csize, cexp, centry
 * ARGV id, requests, redis, storage, bandwidth, mode(plain|cache_put|cache_del|late), cacheKey, value, ttlMs,
 *      expiresAt, doneTtl, periodTtl
 * → 1 committed, 2 was already committed, 0 reservation expired before commit (caller commits "late") */
const commit = `
local had = redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if had == 0 then
  if redis.call('EXISTS', KEYS[5]) == 1 then return 2 end
  if ARGV[6] ~= 'late' then return 0 end
end
local hydrated = redis.call('HEXISTS', KEYS[1], 'hydrated') == 1
if hydrated and ARGV[4] ~= '0' then redis.call('HINCRBY', KEYS[1], 'storage', ARGV[4]) end
if ARGV[2] ~= '0' then redis.call('HINCRBY', KEYS[4], 'requests', ARGV[2]) end
if ARGV[5] ~= '0' then redis.call('HINCRBY', KEYS[4], 'bandwidth', ARGV[5]) end
redis.call('EXPIRE', KEYS[4], ARGV[12])
if ARGV[6] == 'cache_put' then
  local old = redis.call('HGET', KEYS[6], ARGV[7])
  redis.call('SET', KEYS[8], ARGV[8], 'PX', ARGV[9])
  redis.call('HSET', KEYS[6], ARGV[7], ARGV[3])
  redis.call('ZADD', KEYS[7], ARGV[10], ARGV[7])
  if hydrated then
    redis.call('HINCRBY', KEYS[1], 'redis', ARGV[3])
    if old and old ~= '0' then redis.call('HINCRBY', KEYS[1], 'redis', '-' .. old) end
  end
elseif ARGV[6] == 'cache_del' then
  local old = redis.call('HGET', KEYS[6], ARGV[7])
  redis.call('DEL', KEYS[8])
  if old then
    redis.call('HDEL', KEYS[6], ARGV[7])
    redis.call('ZREM', KEYS[7], ARGV[7])
    if hydrated and old ~= '0' then redis.call('HINCRBY', KEYS[1], 'redis', '-' .. old) end
  end
end
redis.call('HINCRBY', KEYS[1], 'cseq', 1)
redis.call('SET', KEYS[5], '1', 'EX', ARGV[11])
return 1`

/** Settle a reservation whose holder stopped renewing it (crash): apply what the ledger says was done, or drop it.
 * KEYS state, resv, resvexp, period, done  ARGV id, now, requests, storage, bandwidth, found(1|0), doneTtl, periodTtl
 * → 1 settled, 0 renewed meanwhile or already gone */
const settle = `
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if (not score) or tonumber(score) > tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
-- already applied by a (late) commit under the same id: applying the ledger's amounts again would count them twice
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[5]) == 0 then
  if redis.call('HEXISTS', KEYS[1], 'hydrated') == 1 and ARGV[4] ~= '0' then
    redis.call('HINCRBY', KEYS[1], 'storage', ARGV[4])
  end
  if ARGV[3] ~= '0' then redis.call('HINCRBY', KEYS[4], 'requests', ARGV[3]) end
  if ARGV[5] ~= '0' then redis.call('HINCRBY', KEYS[4], 'bandwidth', ARGV[5]) end
  redis.call('EXPIRE', KEYS[4], ARGV[8])
  redis.call('HINCRBY', KEYS[1], 'cseq', 1)
  redis.call('SET', KEYS[5], '1', 'EX', ARGV[7])
end
return 1`

/** Load a tenant from PostgreSQL once (all concurrent first requests race here; one wins). Redis bytes are Redis's
 * own truth: the sizes of the entries still present. KEYS state, period, csize  ARGV tier, storage, requests,
 * bandwidth, ver, periodTtl → 1 loaded, 0 already loaded */
const hydrate = `
if redis.call('HEXISTS', KEYS[1], 'hydrated') == 1 then return 0 end
local r = 0
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do r = r + tonumber(v) end
-- a tier set while the tenant was not loaded is newer than the one read from PostgreSQL before it: keep it
local tier = redis.call('HGET', KEYS[1], 'tier') or ARGV[1]
redis.call('HSET', KEYS[1], 'hydrated', '1', 'tier', tier, 'storage', ARGV[2], 'ver', ARGV[5], 'cseq', '0')
redis.call('HSET', KEYS[1], 'redis', string.format('%d', r))
-- commits that landed in this period's hash before the load already count: keep whichever is larger
local p = redis.call('HMGET', KEYS[2], 'requests', 'bandwidth')
if tonumber(ARGV[3]) > tonumber(p[1] or '0') then redis.call('HSET', KEYS[2], 'requests', ARGV[3]) end
if tonumber(ARGV[4]) > tonumber(p[2] or '0') then redis.call('HSET', KEYS[2], 'bandwidth', ARGV[4]) end
redis.call('EXPIRE', KEYS[2], ARGV[6])
return 1`

/** KEYS state  ARGV tier → 1 changed (and every in-flight snapshot invalidated), 0 tenant not loaded (the tier is
 * still written: a load racing this change read the old tier from PostgreSQL, and must not put it back) */
const setTier = `
redis.call('HSET', KEYS[1], 'tier', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
if redis.call('HEXISTS', KEYS[1], 'hydrated') == 0 then return 0 end
return 1`

/** Reconcile: overwrite committed usage with the ledger's, only if no commit and no reservation happened since the
 * snapshot it was compared with. KEYS state, period, resv  ARGV cseq, storage, requests, bandwidth, tier, ver
 * → 1 repaired, 0 busy (try again), -1 not loaded */
const repair = `
if redis.call('HEXISTS', KEYS[1], 'hydrated') == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'cseq') ~= ARGV[1] or redis.call('HLEN', KEYS[3]) > 0 then return 0 end
-- a tier change (or a reservation) since the snapshot: the tier read from PostgreSQL may be older than Redis's
if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[6] then return 0 end
redis.call('HSET', KEYS[1], 'storage', ARGV[2], 'tier', ARGV[5])
redis.call('HSET', KEYS[2], 'requests', ARGV[3], 'bandwidth', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
return 1`

export const SCRIPTS = {
  econSnapshot: { keys: 6, source: snapshot },
  econReserve: { keys: 3, source: reserve },
  econTouch: { keys: 2, source: touch },
  econRelease: { keys: 2, source: release },
  econCommit: { keys: 8, source: commit },
  econSettle: { keys: 5, source: settle },
  econHydrate: { keys: 3, source: hydrate },
  econSetTier: { keys: 1, source: setTier },
  econRepair: { keys: 3, source: repair }
} as const

export type ScriptName = keyof typeof SCRIPTS
