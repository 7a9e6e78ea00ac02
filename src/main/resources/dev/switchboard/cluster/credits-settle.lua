-- ARGV: 1-3 period starts, 4 reservation id, 5 actual cost, 6 the node's sequence number, 7 how long to keep it (ms).
-- KEYS[5]: the node's last applied sequence number. The cost counts in the period it settles in; a
-- reservation that already expired is not given back twice.
dropExpired()
rollPeriods()
local amount = redis.call('HGET', amounts, ARGV[4])
if amount then
  unreserve(amount)
  redis.call('HDEL', amounts, ARGV[4])
  redis.call('ZREM', held, ARGV[4])
end
add(ARGV[5])
-- a node's commands arrive in order: after an outage it adds only the costs numbered past this one
if tonumber(ARGV[6]) > tonumber(redis.call('GET', KEYS[5]) or '0') then
  redis.call('SET', KEYS[5], ARGV[6], 'PX', ARGV[7])
end
return 1
