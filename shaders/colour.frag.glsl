// Colour mapping: raw values (an RGBA32F picture from a values pass) -> RGB.
// One channel goes through a colormap (a 256-entry lookup texture; greyscale
// is a colormap too); two or three channels are shown as R, G(, B).
// Values are mapped from u_range to [0, 1] and clamped. NaN shows magenta,
// so a diverged network is never a silent black picture.

uniform sampler2D u_values;
uniform sampler2D u_lut;    // 256 x 1 colormap; entry k shows values in [k, k+1) / 256
uniform int u_channels;     // 1: colormap, 2 or 3: RGB
uniform vec2 u_range;       // (value shown as 0, value shown as 1)
uniform vec2 u_origin;      // lower-left corner of the picture in framebuffer pixels

out vec4 sp_colour;

void main() {
    vec4 v = texelFetch(u_values, ivec2(gl_FragCoord.xy - u_origin), 0);
    vec4 t = clamp((v - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0);
    vec3 rgb;
    if (u_channels == 1) {
        rgb = texelFetch(u_lut, ivec2(min(int(t.x * 256.0), 255), 0), 0).rgb;
    } else {
        rgb = vec3(t.r, t.g, u_channels > 2 ? t.b : 0.0);
    }
    bvec4 used = lessThan(ivec4(0, 1, 2, 3), ivec4(u_channels));
    bool bad = any(bvec4(ivec4(used) * (ivec4(isnan(v)) + ivec4(isinf(v)))));
    sp_colour = vec4(bad ? vec3(1.0, 0.0, 1.0) : rgb, 1.0);
}
