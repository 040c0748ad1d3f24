#!/usr/bin/env python3
"""The numpy peer of `econ run`: the Monte Carlo a finance analyst would write with numpy, vectorised over runs.

Same flows as the engine (churn, conversion, downgrades, upgrades on last month's users, then compounding sign-ups
split by the mix; per-user cost lines from allowances x used shares x unit prices, storage after dedup and
compression, split hot/cold by tiering; support, fixed costs by month), in float64 with fractional users, and the same
uncertain inputs drawn from the same distributions, rank-correlated through a Gaussian copula (Iman-Conover: the
marginal draws reordered by the ranks of correlated normals). Its p50s agree with econ's to within sampling and
rounding error; it is not exact to the cent and does not try to be.

Usage: peer.py SPEC.json RUNS SEED  ->  one JSON line: cpu/wall seconds, peak RSS and p5/p50/p95 of a few figures.
SPEC.json is written by scenarios/bench.ts from the scenario (see peerSpec there).
"""
import json
import math
import resource
import sys
import time

import numpy as np


def draw(dist, n, rng):
    kind = dist["dist"]
    if kind == "uniform":
        return rng.uniform(dist["min"], dist["max"], n)
    if kind == "triangular":
        return rng.triangular(dist["min"], dist["mode"], dist["max"], n)
    if kind == "normal":
        x = rng.normal(dist["mean"], dist["sd"], n)
        return np.clip(x, dist.get("min", -np.inf), dist.get("max", np.inf))
    if kind == "lognormal":
        return dist["median"] * np.exp(dist["sigma"] * rng.standard_normal(n))
    if kind == "beta":
        if "alpha" in dist:
            a, b = dist["alpha"], dist["beta"]
        else:
            m, s = dist["mean"], dist["sd"]
            nu = m * (1 - m) / (s * s) - 1
            a, b = m * nu, (1 - m) * nu
        return rng.beta(a, b, n)
    raise SystemExit(f"peer.py: unknown distribution {kind}")


def draws(spec, n, rng):
    """Every uncertain input for n runs; rank correlations by Iman-Conover on a Gaussian copula."""
    ids = [u["id"] for u in spec["uncertain"]]
    x = {u["id"]: draw(u["dist"], n, rng) for u in spec["uncertain"]}
    corr = spec["correlations"]
    if corr:
        members = sorted({c["a"] for c in corr} | {c["b"] for c in corr}, key=ids.index)
        k = len(members)
        m = np.eye(k)
        for c in corr:
            i, j = members.index(c["a"]), members.index(c["b"])
            m[i, j] = m[j, i] = 2 * math.sin(math.pi * c["rank"] / 6)
        z = rng.standard_normal((n, k)) @ np.linalg.cholesky(m).T
        for c, name in enumerate(members):
            ranks = z[:, c].argsort().argsort()
            x[name] = np.sort(x[name])[ranks]
    return x


def simulate(spec, n, rng):
    t = spec["tiers"]
    K, M = len(t["ids"]), spec["months"]
    x = draws(spec, n, rng)

    def param(name, default):
        """A scenario value, or its draws (shape (n,)) when uncertain."""
        return x.get(name, default)

    def per_tier(group, key):
        return np.stack([np.broadcast_to(param(f"{group}.{tid}", t[key][k]), (n,)) for k, tid in enumerate(t["ids"])], axis=1)

    churn = per_tier("users.churn", "churn")
    conversion = per_tier("users.conversion", "conversion")
    up = np.asarray(t["upgrade"])
    down = np.asarray(t["downgrade"])
    mix = np.asarray(spec["signups"]["mix"])
    signups = np.broadcast_to(param("users.signups.per_month.start", spec["signups"]["start"]), (n,)).copy()
    growth = param("users.signups.per_month.growth", spec["signups"]["growth"])

    prices = {p: param(f"overrides.unit_prices.{p}", v) for p, v in spec["unit_prices"].items()}
    kept = (1 - param("media.duplicate_ratio", spec["duplicate_ratio"])) * spec["blended_compression"]
    cold_share = param("tiering.cold_share", spec["cold_share"]) if spec["tiered"] else 0.0

    def usage(k, dim, i):
        s = spec["usage"][k][dim]
        own = f"usage.{t['ids'][k]}.{dim}"
        name = own if any(u["id"].startswith(own) for u in spec["uncertain"]) else f"usage.default.{dim}"
        if not isinstance(s, dict):
            return param(name, s)
        frm, to = param(f"{name}.from", s["from"]), param(f"{name}.to", s["to"])
        return frm + (to - frm) * min(i, s["months"]) / s["months"]

    users = np.tile(np.asarray(t["start"], dtype=float), (n, 1))
    figures = np.empty((9, M, n), dtype=np.float32)
    cumulative = np.zeros(n)
    broke_even = np.full(n, -1)
    price = np.asarray(t["price"])
    support = np.asarray(t["support"])
    flat = np.asarray(t["workers"]) + np.asarray(t["jettythunder_api"]) + np.asarray(t["jettyspeed"])
    for i in range(M):
        prev = users.copy()
        users -= prev * churn
        for j in range(1, K):
            moved = prev[:, 0] * conversion[:, j]
            users[:, 0] -= moved
            users[:, j] += moved
        for k in range(1, K):
            users[:, k] -= prev[:, k] * down[k]
            users[:, k - 1] += prev[:, k] * down[k]
        for k in range(K - 1):
            users[:, k] -= prev[:, k] * up[k]
            users[:, k + 1] += prev[:, k] * up[k]
        users += signups[:, None] * mix
        signups = signups * (1 + growth)

        redis = sum(users[:, k] * t["redis_mb"][k] * usage(k, "redis", i) for k in range(K)) * prices["redis_per_mb_month"]
        stored = sum(users[:, k] * t["storage_gb"][k] * usage(k, "storage", i) for k in range(K)) * kept
        hot = stored * (1 - cold_share) * prices["lyve_per_gb_month"]
        cold = stored * cold_share * prices["cold_per_gb_month"]
        bandwidth = sum(users[:, k] * t["bandwidth_gb"][k] * usage(k, "bandwidth", i) for k in range(K)) * prices["bandwidth_per_gb"]
        text = sum(users[:, k] * t["requests"][k] * usage(k, "requests", i) for k in range(K)) * prices["text_cache_per_100k_requests"] / 1e5
        api = users @ np.asarray(t["jettythunder_api"])
        variable = redis + hot + cold + bandwidth + text + users @ flat + users @ support
        revenue = users @ price
        gross = revenue - variable
        net = gross - spec["fixed"][i]
        cumulative += net
        broke_even[(broke_even < 0) & (net >= 0)] = i
        total = users.sum(axis=1)
        figures[:, i, :] = [total, total - users[:, 0], revenue, variable, gross,
                            np.where(revenue > 0, gross / np.where(revenue > 0, revenue, 1) * 100, 0), net, cumulative,
                            hot + cold + bandwidth + api]
    return figures, broke_even


def main():
    spec = json.load(open(sys.argv[1]))
    runs, seed = int(sys.argv[2]), int(sys.argv[3])
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    figures, broke_even = simulate(spec, runs, rng)
    bands = np.percentile(figures, [5, 50, 95], axis=2)  # (3, figure, month)
    p_break_even = np.cumsum(np.bincount(broke_even[broke_even >= 0], minlength=spec["months"])) / runs
    usage = resource.getrusage(resource.RUSAGE_SELF)
    names = ["users", "paying_users", "revenue", "variable_costs", "gross_profit", "gross_margin_pct", "net_profit",
             "cumulative_net_profit", "jettythunder_pool"]
    last = spec["months"] - 1
    print(json.dumps({
        "runs": runs,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": time.perf_counter() - t0,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "last_month": {name: [float(bands[p, f, last]) for p in range(3)] for f, name in enumerate(names)},
        "p_break_even_last": float(p_break_even[last]),
    }))


if __name__ == "__main__":
    main()
