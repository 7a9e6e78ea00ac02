-- Shared by every credit script. KEYS: 1 the key's account (hash: total, day, week, month, their
-- *_start, reserved), 2 its held reservations (zset: id -> expiry in Redis time, ms), 3 their amounts
-- (hash: id -> pico-dollars), 4 the marker set when the counters were loaded from the ledger.
-- Amounts travel as decimal strings and are added with HINCRBY, so counters stay exact 64-bit integers;
-- only the admission comparison runs on Lua numbers (doubles: exact up to 2^53 pico-dollars, about $9,007).
local account, held, amounts, marker = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

-- without the marker the counters start from nothing (Redis restarted empty): the caller rebuilds them
if redis.call('EXISTS', marker) == 0 then
  return redis.error_reply('NOTLOADED credit counters are not loaded')
end

-- reservations expire on Redis's own clock, the one clock every node shares
local function redisMillis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function unreserve(amount)
  if amount ~= '0' then
    redis.call('HINCRBY', account, 'reserved', '-' .. amount)
  end
end

-- drops reservations past their expiry: their node stopped without settling them
local function dropExpired()
  local expired = redis.call('ZRANGEBYSCORE', held, '-inf', redisMillis())
  for _, id in ipairs(expired) do
    local amount = redis.call('HGET', amounts, id)
    if amount then
      unreserve(amount)
      redis.call('HDEL', amounts, id)
    end
    redis.call('ZREM', held, id)
  end
end

-- a period only moves forward, so a node whose clock lags a little counts in the newer period
local function roll(period, start)
  local current = redis.call('HGET', account, period .. '_start')
  if not current or tonumber(start) > tonumber(current) then
    redis.call('HSET', account, period .. '_start', start, period, '0')
  end
end

-- ARGV[1..3]: the caller's day, week and month starts (UTC, ms)
local function rollPeriods()
  roll('day', ARGV[1])
  roll('week', ARGV[2])
  roll('month', ARGV[3])
end

local function add(amount)
  for _, f in ipairs({ 'total', 'day', 'week', 'month' }) do
    redis.call('HINCRBY', account, f, amount)
  end
end

local function field(name)
  return redis.call('HGET', account, name) or '0'
end
