-- ARGV: 1 requests per minute ('' = none), 2 tokens per minute ('' = none), 3 tokens, 4 now (ms).
-- Returns {} when allowed, else {'requests' | 'tokens', level}: a refused request takes nothing.
local rpm, tpm, tokens, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local levels = {}
local requests
if rpm then
  requests = refill('r', rpm, now)
  save('r', requests, now)
  levels[#levels + 1] = { requests, rpm }
  if requests < 1 then
    expireWhenFull(levels)
    return { 'requests', string.format('%.17g', requests) }
  end
end
if tpm and tokens > 0 then
  local level = refill('t', tpm, now)
  save('t', level, now)
  if level < math.min(tokens, tpm) then
    levels[#levels + 1] = { level, tpm }
    expireWhenFull(levels)
    return { 'tokens', string.format('%.17g', level) }
  end
  save('t', level - tokens, now)
  levels[#levels + 1] = { level - tokens, tpm }
end
if rpm then
  save('r', requests - 1, now)
  levels[1] = { requests - 1, rpm }
end
expireWhenFull(levels)
return {}
