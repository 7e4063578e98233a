"""HTTP routers: parse, call the battle/leaderboard functions, shape the response."""
