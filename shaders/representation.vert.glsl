// "representation" mode: an input point carried through the network up to
// weight layer u_layers - 1 and placed at the values of two of that layer's
// neurons (u_axes, after their activation or, with u_pre, before it), mapped
// from the plot box u_box (xmin, xmax, ymin, ymax).
#include "network.glsl"

in vec2 in_xy;
in vec4 in_colour;
in float in_hollow;
uniform int u_layers;
uniform ivec2 u_axes;
uniform int u_pre;  // 1: the neurons' pre-activations (a saturated layer still spreads out)
uniform vec4 u_box;
uniform float u_radius;

out vec4 v_colour;
out float v_hollow;

void main() {
    sp_network(in_xy, u_layers);
    vec2 q = u_pre == 1
        ? vec2(sp_z[u_axes.x / 4][u_axes.x % 4], sp_z[u_axes.y / 4][u_axes.y % 4])
        : vec2(sp_h[u_axes.x / 4][u_axes.x % 4], sp_h[u_axes.y / 4][u_axes.y % 4]);
    gl_Position = vec4(2.0 * (q - u_box.xz) / (u_box.yw - u_box.xz) - 1.0, 0.0, 1.0);
    gl_PointSize = 2.0 * u_radius + 2.0;
    v_colour = in_colour;
    v_hollow = in_hollow;
}
