// "output" mode: the raw network outputs at each pixel, 4 per colour
// attachment (RGBA32F), SP_ATTACHMENTS attachments per pass. "depth" mode is the
// same with u_depth set: hidden layers 0..u_layers-1, then the output layer
// reads the last of them instead of the last hidden layer (equal widths).
#include "view.glsl"
#include "network.glsl"

uniform int u_layers;  // = SP_LAYERS, as a uniform so the layer loop stays a loop
uniform int u_group;   // first output group this pass writes
uniform int u_depth;   // 1: apply the output layer right after layer u_layers - 1

layout(location = 0) out vec4 sp_out0;
#if SP_ATTACHMENTS > 1
layout(location = 1) out vec4 sp_out1;
#endif
#if SP_ATTACHMENTS > 2
layout(location = 2) out vec4 sp_out2;
layout(location = 3) out vec4 sp_out3;
#endif
#if SP_ATTACHMENTS > 4
layout(location = 4) out vec4 sp_out4;
layout(location = 5) out vec4 sp_out5;
layout(location = 6) out vec4 sp_out6;
layout(location = 7) out vec4 sp_out7;
#endif

vec4 sp_output_group(int k) { return sp_h[min(u_group + k, SP_MAX4 - 1)]; }

void main() {
    sp_network(sp_domain_point(gl_FragCoord.xy), u_layers);
    if (u_depth == 1) sp_layer(SP_LAYERS - 1);
    sp_out0 = sp_output_group(0);
#if SP_ATTACHMENTS > 1
    sp_out1 = sp_output_group(1);
#endif
#if SP_ATTACHMENTS > 2
    sp_out2 = sp_output_group(2);
    sp_out3 = sp_output_group(3);
#endif
#if SP_ATTACHMENTS > 4
    sp_out4 = sp_output_group(4);
    sp_out5 = sp_output_group(5);
    sp_out6 = sp_output_group(6);
    sp_out7 = sp_output_group(7);
#endif
}
