// "error" mode: |prediction - target| per output; the target was evaluated
// on the CPU at the same pixel centres and uploaded as u_target.
#include "view.glsl"
#include "network.glsl"

uniform int u_layers;
uniform sampler2D u_target;

layout(location = 0) out vec4 sp_out0;

void main() {
    sp_network(sp_domain_point(gl_FragCoord.xy), u_layers);
    sp_out0 = abs(sp_h[0] - texelFetch(u_target, ivec2(gl_FragCoord.xy - u_origin), 0));
}
