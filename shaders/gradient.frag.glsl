// "gradient" mode: d output / d(x, y) of output u_output by central
// differences of the one network function: (|grad|, d/dx, d/dy).
// The step is half a pixel, but not below 1e-4 (1 + |p|): float32 cancellation.
#include "view.glsl"
#include "network.glsl"

uniform int u_layers;
uniform int u_output;

layout(location = 0) out vec4 sp_out0;

float sp_value_at(vec2 p) {
    sp_network(p, u_layers);
    return sp_h[u_output / 4][u_output % 4];
}

void main() {
    vec2 p = sp_domain_point(gl_FragCoord.xy);
    vec2 h = max(0.5 * u_pixel, vec2(1e-4) * (1.0 + abs(p)));
    float dx = (sp_value_at(p + vec2(h.x, 0.0)) - sp_value_at(p - vec2(h.x, 0.0))) / (2.0 * h.x);
    float dy = (sp_value_at(p + vec2(0.0, h.y)) - sp_value_at(p - vec2(0.0, h.y))) / (2.0 * h.y);
    sp_out0 = vec4(length(vec2(dx, dy)), dx, dy, 0.0);
}
