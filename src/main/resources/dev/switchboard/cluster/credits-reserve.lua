-- ARGV: 1-3 period starts, 4 amount, 5 limit ('' = none), 6 the limit's counter (total|day|week|month),
-- 7 reservation id, 8 its time to live (ms). Returns {1} when held, else {0, usage, reserved}.
dropExpired()
rollPeriods()
local amount = ARGV[4]
if ARGV[5] ~= '' then
  local used, reserved = field(ARGV[6]), field('reserved')
  if tonumber(amount) > tonumber(ARGV[5]) - tonumber(used) - tonumber(reserved) then
    return { 0, used, reserved }
  end
end
redis.call('HINCRBY', account, 'reserved', amount)
redis.call('HSET', amounts, ARGV[7], amount)
redis.call('ZADD', held, redisMillis() + tonumber(ARGV[8]), ARGV[7])
return { 1 }
