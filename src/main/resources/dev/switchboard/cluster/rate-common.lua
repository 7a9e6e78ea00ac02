-- Token buckets of one key, the same arithmetic as LocalRateLimiter (doubles, in the same order), stored
-- with 17 significant digits so a level reads back exactly. KEYS[1]: the key's buckets (hash: r_level,
-- r_last for requests, t_level, t_last for tokens). Times are the callers' (ms).
local buckets = KEYS[1]

-- a bucket never used is full
local function refill(bucket, perMinute, now)
  local level = redis.call('HGET', buckets, bucket .. '_level')
  if not level then
    return perMinute
  end
  local elapsed = math.max(0, now - tonumber(redis.call('HGET', buckets, bucket .. '_last')))
  return math.min(perMinute, tonumber(level) + elapsed * perMinute / 60000.0)
end

local function save(bucket, level, now)
  redis.call('HSET', buckets, bucket .. '_level', string.format('%.17g', level), bucket .. '_last', string.format('%d', now))
end

-- Buckets go once they would be full again anyway (a request bucket within a minute, a token bucket in
-- debt later; never sooner than an earlier call needed), so an idle key costs nothing.
local function expireWhenFull(levels)
  local ms = math.max(61000, redis.call('PTTL', buckets))
  for _, l in ipairs(levels) do
    local toFull = math.ceil((l[2] - l[1]) * 60000.0 / l[2]) + 1000
    if l[2] > 0 and toFull > ms then
      ms = toFull
    end
  end
  redis.call('PEXPIRE', buckets, string.format('%d', ms))
end
