// "mosaic" mode: every hidden neuron's field (after its activation) in its
// own tile, tiles left to right and top to bottom in layer order, each tile
// showing the whole view. Output: (value, neuron index; -1 in the gaps).
#include "view.glsl"
#include "network.glsl"

uniform ivec2 u_tiles;  // columns, rows
uniform int u_neurons;  // hidden neurons in all
uniform float u_gap;    // pixels between tiles

layout(location = 0) out vec4 sp_out0;

void main() {
    vec2 local = gl_FragCoord.xy - u_origin;
    vec2 size = 2.0 * u_half;
    vec2 tile = size / vec2(u_tiles);
    int col = int(local.x / tile.x);
    int row = int((size.y - local.y) / tile.y);  // row 0 at the top
    int index = row * u_tiles.x + col;
    vec2 inside = local - vec2(float(col) * tile.x, size.y - float(row + 1) * tile.y);
    if (index >= u_neurons || any(lessThan(inside, vec2(0.5 * u_gap))) ||
        any(greaterThan(inside, tile - 0.5 * u_gap))) {
        sp_out0 = vec4(0.0, -1.0, 0.0, 0.0);
        return;
    }
    int layer = 0;
    int unit = index;
    while (unit >= sp_nout[layer]) { unit -= sp_nout[layer]; layer += 1; }
    // The tile shows the view's whole domain: its pixels are larger by size / tile.
    vec2 p = u_centre + (inside - 0.5 * tile) * u_pixel * size / tile;
    sp_network(p, layer + 1);
    sp_out0 = vec4(sp_h[unit / 4][unit % 4], float(index), 0.0, 0.0);
}
