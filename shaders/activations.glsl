// Activation functions, one per entry of shaderplay/activations.py (same names,
// "act_" prefix). Float and vec4 overloads; numerically safe for large |z|
// (GLSL's tanh and exp overflow to NaN/Inf on some drivers).
#ifndef SP_ACTIVATIONS
#define SP_ACTIVATIONS

#define SP_LEAKY_SLOPE 0.01

float sp_sigmoid(float z) { float e = exp(-abs(z)); return z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e); }
vec4 sp_sigmoid(vec4 z) { vec4 e = exp(-abs(z)); return mix(e / (1.0 + e), 1.0 / (1.0 + e), step(0.0, z)); }

float sp_tanh(float z) { float e = exp(-2.0 * abs(z)); return sign(z) * (1.0 - e) / (1.0 + e); }
vec4 sp_tanh(vec4 z) { vec4 e = exp(-2.0 * abs(z)); return sign(z) * (1.0 - e) / (1.0 + e); }

// Abramowitz & Stegun 7.1.26, |error| < 1.5e-7.
float sp_erf(float x) {
    float a = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * a);
    float p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return sign(x) * (1.0 - p * exp(-a * a));
}
vec4 sp_erf(vec4 x) {
    vec4 a = abs(x);
    vec4 t = 1.0 / (1.0 + 0.3275911 * a);
    vec4 p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    return sign(x) * (1.0 - p * exp(-a * a));
}

float act_linear(float z) { return z; }
vec4 act_linear(vec4 z) { return z; }
float act_relu(float z) { return max(z, 0.0); }
vec4 act_relu(vec4 z) { return max(z, vec4(0.0)); }
float act_leaky_relu(float z) { return z > 0.0 ? z : SP_LEAKY_SLOPE * z; }
vec4 act_leaky_relu(vec4 z) { return max(z, vec4(0.0)) + SP_LEAKY_SLOPE * min(z, vec4(0.0)); }
float act_tanh(float z) { return sp_tanh(z); }
vec4 act_tanh(vec4 z) { return sp_tanh(z); }
float act_sigmoid(float z) { return sp_sigmoid(z); }
vec4 act_sigmoid(vec4 z) { return sp_sigmoid(z); }
float act_sin(float z) { return sin(z); }
vec4 act_sin(vec4 z) { return sin(z); }
float act_gelu(float z) { return 0.5 * z * (1.0 + sp_erf(z * 0.7071067811865476)); }
vec4 act_gelu(vec4 z) { return 0.5 * z * (1.0 + sp_erf(z * 0.7071067811865476)); }
float act_elu(float z) { return z > 0.0 ? z : exp(min(z, 0.0)) - 1.0; }
vec4 act_elu(vec4 z) { return mix(exp(min(z, vec4(0.0))) - 1.0, z, vec4(greaterThan(z, vec4(0.0)))); }
float act_softplus(float z) { return max(z, 0.0) + log(1.0 + exp(-abs(z))); }
vec4 act_softplus(vec4 z) { return max(z, vec4(0.0)) + log(1.0 + exp(-abs(z))); }
float act_gaussian(float z) { return exp(-z * z); }
vec4 act_gaussian(vec4 z) { return exp(-z * z); }
float act_swish(float z) { return z * sp_sigmoid(z); }
vec4 act_swish(vec4 z) { return z * sp_sigmoid(z); }
float act_gcu(float z) { return z * cos(z); }
vec4 act_gcu(vec4 z) { return z * cos(z); }
float act_softsign(float z) { return z / (1.0 + abs(z)); }
vec4 act_softsign(vec4 z) { return z / (1.0 + abs(z)); }

#endif
