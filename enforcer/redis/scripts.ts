// The Lua scripts that make quota accounting atomic. The limit check runs here, in one step with the reservation it
// guards, so concurrent requests never retry against each other; it is the model's rule and only that: the caller
// passes the tier's limits from the model (`limitsOf`), the script applies `fits` (used + held + requested ≤ limit,
// dimensions in the model's order, zero demands skipped), and a property test against real Redis shows it decides
// exactly as the model's `decide` for any usage and request (admit.test.ts). A denial's wording and upgrade offer are
// then the model's own `decide`, on the usage the script returns.
//
// Held (reserved, not yet committed) usage is kept as counters beside the committed ones, so a check is O(1) however
// many requests are in flight: state fields `h_redis`, `h_storage`, `hreq:<period>`, `hbw:<period>`. Each
// reservation's own amounts stay in the `resv` hash ("period|requests|redis|storage|bandwidth|kind|batch") until it
// commits or is released, which gives them back.
//
// Amounts are decimal strings written with HINCRBY: Lua numbers are doubles and would print as "1e+15"; sums are
// returned as integers (exact below 2^53 bytes, 9 PB). Every reply is a flat array decoded by name (replies.ts).

/** Parse a reservation's data and add (sign '') or give back (sign '-') its held amounts. */
const HOLD = `
local function parse(data)
  local f = {}
  for x in string.gmatch(data, '[^|]+') do f[#f + 1] = x end
  return f
end
local function hold(state, f, sign)
  if f[2] ~= '0' then redis.call('HINCRBY', state, 'hreq:' .. f[1], sign .. f[2]) end
  if f[3] ~= '0' then redis.call('HINCRBY', state, 'h_redis', sign .. f[3]) end
  if f[4] ~= '0' then redis.call('HINCRBY', state, 'h_storage', sign .. f[4]) end
  if f[5] ~= '0' then redis.call('HINCRBY', state, 'hbw:' .. f[1], sign .. f[5]) end
end
local function apply(state, periodKey, hydrated, req, storage, bw, periodTtl)
  if hydrated and storage ~= '0' then redis.call('HINCRBY', state, 'storage', storage) end
  if req ~= '0' then redis.call('HINCRBY', periodKey, 'requests', req) end
  if bw ~= '0' then redis.call('HINCRBY', periodKey, 'bandwidth', bw) end
  if req ~= '0' or bw ~= '0' then redis.call('EXPIRE', periodKey, periodTtl) end
  redis.call('HINCRBY', state, 'cseq', 1)
end
`

/** Admit: expired cache entries give their bytes back; then the model's limit check and, if it fits, the reservation.
 * KEYS state, resv, resvexp, csize, cexp, period
 * ARGV 1 now, 2 cachePrefix, 3 period, 4 cacheKey|"", 5 tier the limits belong to ("" with mode peek),
 *      6-9 limits requests, redis, storage, bandwidth ("" = unlimited), 10-13 demand (same order),
 *      14 id, 15 data, 16 expiresAt, 17 mode (new|grow|peek), 18 cache key to read with the admission|""
 * → ADMIT_FIELDS: status ok|deny|unloaded|tier|expired|gone|dup, then the usage it decided on, then what was read;
 *   with status expired, pairs of (id, data) of reservations nobody renewed follow. */
const admit = `${HOLD}
local now = tonumber(ARGV[1])
local state = KEYS[1]
local hydrated = redis.call('HEXISTS', state, 'hydrated') == 1
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)) do
  local sz = redis.call('HGET', KEYS[4], k)
  redis.call('HDEL', KEYS[4], k)
  redis.call('ZREM', KEYS[5], k)
  redis.call('DEL', ARGV[2] .. k)
  if hydrated and sz and sz ~= '0' then redis.call('HINCRBY', state, 'redis', '-' .. sz) end
end
if not hydrated then return { 'unloaded' } end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 16)
if #expired > 0 then
  local out = { 'expired', '', '', '', 0, 0, 0, 0, 0, 0, 0, 0, 0, '', false, false }
  for _, id in ipairs(expired) do
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
  end
  return out
end
local p = ARGV[3]
local st = redis.call('HMGET', state, 'tier', 'ver', 'cseq', 'storage', 'redis', 'hreq:' .. p, 'h_redis', 'h_storage', 'hbw:' .. p)
local pu = redis.call('HMGET', KEYS[6], 'requests', 'bandwidth')
local entry = 0
if ARGV[4] ~= '' then entry = tonumber(redis.call('HGET', KEYS[4], ARGV[4]) or '0') end
local used = { tonumber(pu[1] or '0'), tonumber(st[5] or '0'), tonumber(st[4] or '0'), tonumber(pu[2] or '0') }
local held = { tonumber(st[6] or '0'), tonumber(st[7] or '0'), tonumber(st[8] or '0'), tonumber(st[9] or '0') }
local function reply(status, dimension, value, expiry)
  return { status, st[1] or '', st[2] or '0', st[3] or '0', used[1], used[2], used[3], used[4],
    held[1], held[2], held[3], held[4], entry, dimension, value, expiry }
end
local mode = ARGV[17]
if mode == 'peek' then return reply('ok', '', false, false) end
if st[1] ~= ARGV[5] then return reply('tier', '', false, false) end
-- the model's fits: used + requested <= limit, in its order (requests, redis, storage, bandwidth); a rewrite of a
-- cache entry gives its old bytes back first
local names = { 'requests', 'redis', 'storage', 'bandwidth' }
for d = 1, 4 do
  local requested = tonumber(ARGV[9 + d])
  local limit = ARGV[5 + d]
  if requested ~= 0 and limit ~= '' then
    local u = used[d] + held[d]
    if d == 2 then u = u - entry end
    if u + requested > tonumber(limit) then return reply('deny', names[d], false, false) end
  end
end
local exists = redis.call('HEXISTS', KEYS[2], ARGV[14]) == 1
if mode == 'grow' and not exists then return reply('gone', '', false, false) end
if mode == 'new' and exists then return reply('dup', '', false, false) end
redis.call('HSET', KEYS[2], ARGV[14], ARGV[15])
redis.call('ZADD', KEYS[3], ARGV[16], ARGV[14])
hold(state, { p, ARGV[10], ARGV[11], ARGV[12], ARGV[13] }, '')
redis.call('HINCRBY', state, 'ver', 1)
if ARGV[18] ~= '' then
  return reply('ok', '', redis.call('GET', ARGV[2] .. ARGV[18]) or false, redis.call('ZSCORE', KEYS[5], ARGV[18]) or false)
end
return reply('ok', '', false, false)`

/** Keep a live reservation from expiring. KEYS resv, resvexp  ARGV id, expiresAt → 1 renewed, 0 gone */
const touch = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
return 1`

/** Move reservations of one tenant to another commit batch (their requests missed the batch they were admitted in).
 * KEYS resv  ARGV batch, id… → how many were still held and moved */
const retag = `
local moved = 0
for i = 2, #ARGV do
  local data = redis.call('HGET', KEYS[1], ARGV[i])
  if data then
    local f = {}
    for x in string.gmatch(data, '[^|]+') do f[#f + 1] = x end
    redis.call('HSET', KEYS[1], ARGV[i], table.concat({ f[1], f[2], f[3], f[4], f[5], f[6], ARGV[1] }, '|'))
    moved = moved + 1
  end
end
return moved`

/** KEYS state, resv, resvexp  ARGV id → 1 released, 0 was not held */
const release = `${HOLD}
local data = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if not data then return 0 end
hold(KEYS[1], parse(data), '-')
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`

/** Turn a reservation into committed usage (actual amounts ≤ reserved), with the cache side effect in the same step.
 * KEYS state, resv, resvexp, period, done, csize, cexp, centry
 * ARGV id, requests, redis, storage, bandwidth, mode(plain|cache_put|cache_del|late), cacheKey, value, ttlMs,
 *      expiresAt, doneTtl, periodTtl
 * → 1 committed, 2 was already committed, 0 reservation expired before commit (caller commits "late").
 * Only a late commit (and a settlement) leaves a marker: a commit that finds its reservation removes it in the same
 * step, so nothing else can count it again, and the normal path leaves no key per request. */
const commit = `${HOLD}
local state = KEYS[1]
local data = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if data then
  hold(state, parse(data), '-')
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  if redis.call('EXISTS', KEYS[5]) == 1 then return 2 end
  if ARGV[6] ~= 'late' then return 0 end
  redis.call('SET', KEYS[5], '1', 'EX', ARGV[11])
end
local hydrated = redis.call('HEXISTS', state, 'hydrated') == 1
apply(state, KEYS[4], hydrated, ARGV[2], ARGV[4], ARGV[5], ARGV[12])
if ARGV[6] == 'cache_put' then
  local old = redis.call('HGET', KEYS[6], ARGV[7])
  redis.call('SET', KEYS[8], ARGV[8], 'PX', ARGV[9])
  redis.call('HSET', KEYS[6], ARGV[7], ARGV[3])
  redis.call('ZADD', KEYS[7], ARGV[10], ARGV[7])
  if hydrated then
    redis.call('HINCRBY', state, 'redis', ARGV[3])
    if old and old ~= '0' then redis.call('HINCRBY', state, 'redis', '-' .. old) end
  end
elseif ARGV[6] == 'cache_del' then
  local old = redis.call('HGET', KEYS[6], ARGV[7])
  redis.call('DEL', KEYS[8])
  if old then
    redis.call('HDEL', KEYS[6], ARGV[7])
    redis.call('ZREM', KEYS[7], ARGV[7])
    if hydrated and old ~= '0' then redis.call('HINCRBY', state, 'redis', '-' .. old) end
  end
end
return 1`

/** Commit many plain reservations at once (a durable batch), in groups of one tenant and period: each counts exactly
 * what it held, once. A call may carry several tenants' groups where they share a server (the group commit sends one
 * call for a whole batch to a single Redis, one per tenant to a cluster, whose slots are per tenant).
 * KEYS per group: state, resv, resvexp, period, donePrefix  ARGV doneTtl, periodTtl, then per group: how many
 * reservations, then per reservation: id, requests, redis, storage, bandwidth → per group, how many were counted late
 * (their reservation had expired first) */
const commitBatch = `${HOLD}
local out = {}
local a = 3
for g = 0, #KEYS / 5 - 1 do
  local state, resv, resvexp, period, done = KEYS[g * 5 + 1], KEYS[g * 5 + 2], KEYS[g * 5 + 3], KEYS[g * 5 + 4], KEYS[g * 5 + 5]
  local n = tonumber(ARGV[a])
  local hydrated = redis.call('HEXISTS', state, 'hydrated') == 1
  local req, sto, bw, late = 0, 0, 0, 0
  for i = a + 1, a + 5 * n, 5 do
    local id = ARGV[i]
    local data = redis.call('HGET', resv, id)
    redis.call('ZREM', resvexp, id)
    local count = true
    if data then
      hold(state, parse(data), '-')
      redis.call('HDEL', resv, id)
    elseif redis.call('EXISTS', done .. id) == 1 then
      count = false
    else
      late = late + 1
      redis.call('SET', done .. id, '1', 'EX', ARGV[1])
    end
    if count then
      req = req + tonumber(ARGV[i + 1])
      sto = sto + tonumber(ARGV[i + 3])
      bw = bw + tonumber(ARGV[i + 4])
    end
  end
  a = a + 1 + 5 * n
  apply(state, period, hydrated, string.format('%d', req), string.format('%d', sto), string.format('%d', bw), ARGV[2])
  out[#out + 1] = late
end
return out`

/** Settle a reservation whose holder stopped renewing it (crash): apply what the ledger says was done, or drop it.
 * KEYS state, resv, resvexp, period, done  ARGV id, now, requests, storage, bandwidth, found(1|0), doneTtl, periodTtl
 * → 1 settled, 0 renewed meanwhile or already gone */
const settle = `${HOLD}
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if (not score) or tonumber(score) > tonumber(ARGV[2]) then return 0 end
local data = redis.call('HGET', KEYS[2], ARGV[1])
if data then hold(KEYS[1], parse(data), '-') end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
-- already applied by a (late) commit under the same id: applying the ledger's amounts again would count them twice
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[5]) == 0 then
  apply(KEYS[1], KEYS[4], redis.call('HEXISTS', KEYS[1], 'hydrated') == 1, ARGV[3], ARGV[4], ARGV[5], ARGV[8])
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

/** Release a lock only if it is still ours (a lock that expired and was taken by another holder is left alone).
 * KEYS lock  ARGV token → 1 released, 0 not ours */
const unlock = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

export const SCRIPTS = {
  econAdmit: { keys: 6, source: admit },
  econTouch: { keys: 2, source: touch },
  econRetag: { keys: 1, source: retag },
  econRelease: { keys: 3, source: release },
  econCommit: { keys: 8, source: commit },
  // keys: 5 per group, their number given with each call
  econCommitBatch: { keys: null, source: commitBatch },
  econSettle: { keys: 5, source: settle },
  econHydrate: { keys: 3, source: hydrate },
  econSetTier: { keys: 1, source: setTier },
  econRepair: { keys: 3, source: repair },
  econUnlock: { keys: 1, source: unlock }
} as const

export type ScriptName = keyof typeof SCRIPTS
