// Boundary overlay: the zero set of every chosen hidden neuron's
// pre-activation, as anti-aliased lines of its layer's colour. The distance
// to the zero set in pixels is |z| / |screen gradient of z| (first order).
// Writes premultiplied colour; blend with (ONE, ONE_MINUS_SRC_ALPHA) over the picture.
#include "view.glsl"
#include "network.glsl"

uniform int u_layers;               // hidden layers to walk: the deepest chosen one + 1
uniform sampler2D u_enabled;        // R: texel (unit, layer) > 0.5 where a boundary is drawn
uniform sampler2D u_layer_colours;  // texel (layer, 0): that layer's line colour
uniform float u_width;              // line width in pixels

out vec4 sp_colour;

void main() {
    sp_input(sp_domain_point(gl_FragCoord.xy));
    vec3 colour = vec3(0.0);
    float alpha = 0.0;
    for (int l = 0; l < u_layers; ++l) {
        sp_layer(l);
        vec3 line = texelFetch(u_layer_colours, ivec2(l, 0), 0).rgb;
        for (int j = 0; j < sp_out4[l]; ++j) {
            vec4 z = sp_z[j];
            vec4 slope = sqrt(dFdx(z) * dFdx(z) + dFdy(z) * dFdy(z));
            vec4 distance = abs(z) / max(slope, vec4(1e-30));
            vec4 on = vec4(texelFetch(u_enabled, ivec2(4 * j, l), 0).r, texelFetch(u_enabled, ivec2(4 * j + 1, l), 0).r,
                           texelFetch(u_enabled, ivec2(4 * j + 2, l), 0).r, texelFetch(u_enabled, ivec2(4 * j + 3, l), 0).r);
            vec4 cover = clamp(0.5 * u_width + 0.5 - distance, 0.0, 1.0) * step(0.5, on);
            for (int k = 0; k < 4; ++k) {  // "over", one line after another, premultiplied
                colour = colour * (1.0 - cover[k]) + line * cover[k];
                alpha = alpha * (1.0 - cover[k]) + cover[k];
            }
        }
    }
    sp_colour = vec4(colour, alpha);
}
