// Data frame: a thin line along the edges of the rectangle u_frame (xmin, xmax,
// ymin, ymax in domain units), where a target image lies. Anti-aliased by the
// pixel's distance to the rectangle's outline. Writes premultiplied colour;
// blend with (ONE, ONE_MINUS_SRC_ALPHA) over the picture.
#include "view.glsl"

uniform vec4 u_frame;   // xmin, xmax, ymin, ymax
uniform vec4 u_colour;  // straight RGBA
uniform float u_width;  // line width in pixels

out vec4 sp_colour;

void main() {
    vec2 lo = vec2(u_frame.x, u_frame.z), hi = vec2(u_frame.y, u_frame.w);
    vec2 centre = (0.5 * (lo + hi) - u_centre) / u_pixel + u_origin + u_half;  // pixels
    vec2 half_size = 0.5 * (hi - lo) / abs(u_pixel);
    vec2 d = abs(gl_FragCoord.xy - centre) - half_size;
    float outline = abs(length(max(d, 0.0)) + min(max(d.x, d.y), 0.0));
    float cover = clamp(0.5 * u_width + 0.5 - outline, 0.0, 1.0) * u_colour.a;
    sp_colour = vec4(u_colour.rgb * cover, cover);
}
