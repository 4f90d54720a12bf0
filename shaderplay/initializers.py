"""Weight and bias initialisers, one table each.

`scale` multiplies every rule: the σ or half-range of `normal`/`uniform`,
the gain of Xavier/He/LeCun, the value of `constant` — so a "weight scale"
knob sweeps any rule (the random-network experiments).
"""

import math

import numpy as np

from .errors import bad_value, choose


def _uniform(rng, shape, limit):
    return rng.uniform(-limit, limit, size=shape)


WEIGHT_INITS = {
    # name: (rng, (fan_out, fan_in), scale) -> array
    "uniform": lambda rng, s, k: _uniform(rng, s, k),
    "normal": lambda rng, s, k: rng.normal(0.0, k, size=s),
    "xavier_uniform": lambda rng, s, k: _uniform(rng, s, k * math.sqrt(6.0 / (s[0] + s[1]))),
    "xavier_normal": lambda rng, s, k: rng.normal(0.0, k * math.sqrt(2.0 / (s[0] + s[1])), size=s),
    "he_uniform": lambda rng, s, k: _uniform(rng, s, k * math.sqrt(6.0 / s[1])),
    "he_normal": lambda rng, s, k: rng.normal(0.0, k * math.sqrt(2.0 / s[1]), size=s),
    "lecun_normal": lambda rng, s, k: rng.normal(0.0, k * math.sqrt(1.0 / s[1]), size=s),
    "constant": lambda rng, s, k: np.full(s, k),
}

BIAS_INITS = {
    "zeros": lambda rng, n, k: np.zeros(n),
    "constant": lambda rng, n, k: np.full(n, k),
    "uniform": lambda rng, n, k: _uniform(rng, n, k),
    "normal": lambda rng, n, k: rng.normal(0.0, k, size=n),
}


def init_weights(name: str, rng, fan_out: int, fan_in: int, scale: float) -> np.ndarray:
    rule = WEIGHT_INITS[choose("init", name, WEIGHT_INITS)]
    if not np.isfinite(scale):
        raise bad_value("scale", scale, "a finite number")
    return rule(rng, (fan_out, fan_in), float(scale))


def init_bias(name: str, rng, n: int, scale: float) -> np.ndarray:
    rule = BIAS_INITS[choose("bias_init", name, BIAS_INITS)]
    if not np.isfinite(scale):
        raise bad_value("bias_scale", scale, "a finite number")
    return rule(rng, n, float(scale))
