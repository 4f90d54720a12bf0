// "classes" mode: (class, confidence) per pixel. One output is a probability
// (class 1 where it exceeds 0.5, confidence |2p - 1|); several are scored by
// softmax (class = argmax, confidence = (p_max - 1/n) / (1 - 1/n)).
#include "view.glsl"
#include "network.glsl"

uniform int u_layers;
uniform int u_depth;  // "depth" mode: the output layer right after layer u_layers - 1

layout(location = 0) out vec4 sp_out0;

float sp_output(int i) { return sp_h[i / 4][i % 4]; }

void main() {
    sp_network(sp_domain_point(gl_FragCoord.xy), u_layers);
    if (u_depth == 1) sp_layer(SP_LAYERS - 1);
    int n = sp_nout[SP_LAYERS - 1];
    if (n == 1) {
        float p = sp_output(0);
        sp_out0 = vec4(p > 0.5 ? 1.0 : 0.0, abs(2.0 * p - 1.0), 0.0, 0.0);
        return;
    }
    int best = 0;
    float top = sp_output(0);
    for (int i = 1; i < n; ++i) {
        float o = sp_output(i);
        if (o > top) { top = o; best = i; }
    }
    float total = 0.0;
    for (int i = 0; i < n; ++i) total += exp(sp_output(i) - top);
    float share = 1.0 / total;  // softmax probability of the winner
    sp_out0 = vec4(float(best), (share - 1.0 / float(n)) / (1.0 - 1.0 / float(n)), 0.0, 0.0);
}
