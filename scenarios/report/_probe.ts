import { fixture, planFixture } from "./fixture.ts"
const s = fixture.summary
for (const m of s.months) console.log(m.month, JSON.stringify(m.users), m.revenue, m.gross_margin_pct, m.net_profit, m.cumulative_net_profit)
console.log(s.break_even_month, planFixture.summary.break_even_month, fixture.rows.length)
console.log(JSON.stringify(s.months[35]!.costs))
