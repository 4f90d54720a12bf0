// "regions" mode: a hash of which hidden neurons are active (pre-activation
// > 0) at this pixel. For ReLU networks each distinct pattern is one linear
// region of the function. 24 bits, so the value is exact in a float.
#include "view.glsl"
#include "network.glsl"

uniform int u_hidden;  // hidden weight layers (SP_LAYERS - 1), as a uniform

layout(location = 0) out vec4 sp_out0;

void main() {
    sp_input(sp_domain_point(gl_FragCoord.xy));
    uint h = 2166136261u;  // FNV-1a over the on/off bits, four at a time
    for (int l = 0; l < u_hidden; ++l) {
        sp_layer(l);
        for (int j = 0; j < sp_out4[l]; ++j) {
            uvec4 on = uvec4(greaterThan(sp_z[j], vec4(0.0)));
            h = (h ^ (on.x | (on.y << 1) | (on.z << 2) | (on.w << 3))) * 16777619u;
        }
    }
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    sp_out0 = vec4(float(h & 16777215u), 0.0, 0.0, 0.0);
}
