// "neuron" mode: the field of one neuron (weight layer u_layer, unit u_unit),
// after its activation or, with u_pre, before it (after the norm: the value
// whose zero set is the neuron's boundary).
#include "view.glsl"
#include "network.glsl"

uniform int u_layer;
uniform int u_unit;
uniform int u_pre;

layout(location = 0) out vec4 sp_out0;

void main() {
    sp_network(sp_domain_point(gl_FragCoord.xy), u_layer + 1);
    vec4 group = u_pre == 1 ? sp_z[u_unit / 4] : sp_h[u_unit / 4];
    sp_out0 = vec4(group[u_unit % 4], 0.0, 0.0, 0.0);
}
