// Data points: each vertex is a point of the input domain, placed through
// the view (view.glsl's conversion, inverted) and drawn as a disc.
#include "view.glsl"

in vec2 in_xy;
in vec4 in_colour;
in float in_hollow;    // 1 for test points: drawn as rings
uniform float u_radius;  // pixels

out vec4 v_colour;
out float v_hollow;

void main() {
    vec2 pixel = (in_xy - u_centre) / u_pixel;  // from the picture's centre, y up
    gl_Position = vec4(pixel / u_half, 0.0, 1.0);
    gl_PointSize = 2.0 * u_radius + 2.0;  // + room for the anti-aliased rim
    v_colour = in_colour;
    v_hollow = in_hollow;
}
