-- ARGV: 1-3 period starts. Returns {total, day, week, month, reserved}.
dropExpired()
rollPeriods()
return { field('total'), field('day'), field('week'), field('month'), field('reserved') }
