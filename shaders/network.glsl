// The network evaluated at one point: the ONE implementation every shader
// uses (pixel field, single neuron, boundaries, data points).
//
// Python (shaderplay/gpu/source.py) fills these #defines from the spec:
//   SP_LAYERS      weight layers (hidden + output)
//   SP_MAX4        widest layer in vec4 groups (inputs included): size of the state arrays
//   SP_UNROLL      input groups per inner-loop iteration: 1, 2, 4, 8 or 16
//   SP_IN4 ... SP_VAR   per-layer int lists; offsets are in vec4s (shaderplay/gpu/layout.py)
//   SP_ACTIVATE_CASES   "case code: return act_name(z);" for the activations used
//   SP_INPUT       statements writing the input features of point p into sp_h[]
//   SP_FOURIER, SP_LATENT  first vec4 of the Fourier rows / latent values (-1: none)
// Parameters are read through sp_param(i) (storage.glsl): the same code for
// the uniform block and the texture.
//
// Layers are a loop at RUN time (n_layers comes from a uniform): unrolling
// a deep net made llvmpipe compile for minutes. llvmpipe also ends all loops
// of an invocation after 65535 iterations in total, hence SP_UNROLL, which
// Python picks so one pixel stays well below that.
#ifndef SP_NETWORK
#define SP_NETWORK

#include "activations.glsl"
#include "features.glsl"
#include "storage.glsl"

#define SP_NORM_EPS 1e-5
#define SP_TWO_PI 6.283185307179586

const int sp_in4[SP_LAYERS] = int[SP_LAYERS](SP_IN4);
const int sp_out4[SP_LAYERS] = int[SP_LAYERS](SP_OUT4);
const int sp_nout[SP_LAYERS] = int[SP_LAYERS](SP_NOUT);
const int sp_w[SP_LAYERS] = int[SP_LAYERS](SP_W);
const int sp_b[SP_LAYERS] = int[SP_LAYERS](SP_B);
const int sp_act[SP_LAYERS] = int[SP_LAYERS](SP_ACT);
const int sp_norm[SP_LAYERS] = int[SP_LAYERS](SP_NORM);  // 0 none, 1 layernorm, 2 batchnorm
const int sp_gamma[SP_LAYERS] = int[SP_LAYERS](SP_GAMMA);
const int sp_beta[SP_LAYERS] = int[SP_LAYERS](SP_BETA);
const int sp_mean[SP_LAYERS] = int[SP_LAYERS](SP_MEAN);
const int sp_var[SP_LAYERS] = int[SP_LAYERS](SP_VAR);

vec4 sp_h[SP_MAX4];  // post-activations of the last layer evaluated (before layer 0: the features)
vec4 sp_z[SP_MAX4];  // its pre-activations, after the norm: a neuron's boundary is where they are 0

vec4 sp_activate(int code, vec4 z) {
    switch (code) {
        SP_ACTIVATE_CASES
    }
    return z;
}

// Random Fourier features sin/cos(2 pi B_k . p); row k of B is the xy of one vec4.
float sp_fsin(int k, vec2 p) { return sin(SP_TWO_PI * dot(sp_param(SP_FOURIER + k).xy, p)); }
float sp_fcos(int k, vec2 p) { return cos(SP_TWO_PI * dot(sp_param(SP_FOURIER + k).xy, p)); }
float sp_latent(int k) { return sp_param(SP_LATENT + k / 4)[k % 4]; }

void sp_input(vec2 p) {
    SP_INPUT
}

// One 4x4 block of W: four vec4 columns, so block * h[i] adds 16 multiply-adds.
mat4 sp_block(int o) { return mat4(sp_param(o), sp_param(o + 1), sp_param(o + 2), sp_param(o + 3)); }

void sp_layernorm(int l, int out4) {
    float n = float(sp_nout[l]);
    float total = 0.0;
    for (int j = 0; j < out4; ++j) total += dot(sp_z[j], vec4(1.0));  // padded lanes are exactly 0
    float mean = total / n;
    float squares = 0.0;
    for (int j = 0; j < out4; ++j) {
        vec4 real = vec4(lessThan(ivec4(4 * j) + ivec4(0, 1, 2, 3), ivec4(sp_nout[l])));
        vec4 d = (sp_z[j] - mean) * real;
        squares += dot(d, d);
    }
    float inv = 1.0 / sqrt(squares / n + SP_NORM_EPS);
    for (int j = 0; j < out4; ++j)
        sp_z[j] = (sp_z[j] - mean) * inv * sp_param(sp_gamma[l] + j) + sp_param(sp_beta[l] + j);
}

void sp_batchnorm(int l, int out4) {
    for (int j = 0; j < out4; ++j) {
        vec4 inv = 1.0 / sqrt(sp_param(sp_var[l] + j) + SP_NORM_EPS);
        sp_z[j] = (sp_z[j] - sp_param(sp_mean[l] + j)) * inv * sp_param(sp_gamma[l] + j) + sp_param(sp_beta[l] + j);
    }
}

#define SP_MAC(k) acc += sp_block(o + 4 * (k)) * sp_h[i + (k)];

// Weight layer l: sp_h (its input) -> sp_z (pre-activation) and sp_h (output).
void sp_layer(int l) {
    int in4 = sp_in4[l];
    int out4 = sp_out4[l];
    int o = sp_w[l];
    for (int j = 0; j < out4; ++j) {
        vec4 acc = sp_param(sp_b[l] + j);
        int i = 0;
#if SP_UNROLL > 1
        for (; i + SP_UNROLL <= in4; i += SP_UNROLL) {
            SP_MAC(0) SP_MAC(1)
#if SP_UNROLL > 2
            SP_MAC(2) SP_MAC(3)
#endif
#if SP_UNROLL > 4
            SP_MAC(4) SP_MAC(5) SP_MAC(6) SP_MAC(7)
#endif
#if SP_UNROLL > 8
            SP_MAC(8) SP_MAC(9) SP_MAC(10) SP_MAC(11) SP_MAC(12) SP_MAC(13) SP_MAC(14) SP_MAC(15)
#endif
            o += 4 * SP_UNROLL;
        }
#endif
        for (; i < in4; ++i) {
            SP_MAC(0)
            o += 4;
        }
        sp_z[j] = acc;
    }
    int norm = sp_norm[l];
    if (norm == 1) sp_layernorm(l, out4);
    else if (norm == 2) sp_batchnorm(l, out4);
    int act = sp_act[l];
    for (int j = 0; j < out4; ++j) sp_h[j] = sp_activate(act, sp_z[j]);
}

// Evaluate weight layers 0 .. n_layers-1 at domain point p. Pass a uniform,
// not a constant, for n_layers: a constant bound lets drivers unroll layers.
void sp_network(vec2 p, int n_layers) {
    sp_input(p);
    for (int l = 0; l < n_layers; ++l) sp_layer(l);
}

#endif
