-- ARGV: 1 reservation id.
dropExpired()
local amount = redis.call('HGET', amounts, ARGV[1])
if amount then
  unreserve(amount)
  redis.call('HDEL', amounts, ARGV[1])
  redis.call('ZREM', held, ARGV[1])
end
return 1
