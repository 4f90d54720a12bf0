// Colour pass: raw values (RGBA32F from a values pass, or a texture the CPU
// filled) -> RGB, by kind:
//   0 colormap   channel 0 through a 256-entry colormap (greyscale is one too)
//   1 rgb        channels 0-2 (2 channels: R, G) clamped to [0, 1]
//   2 classes    channel 0 = class index, 1 = confidence in [0, 1]: a tint of the
//                class colour (u_tint of it at full confidence, so data points in
//                the full colour stand out), fading to white as confidence drops
//                (u_discrete: the full tint and a dark line where the class changes)
//   3 hash       channel 0 = a 24-bit region hash: a stable pseudo-random colour
//   4 tiles      colormap of channel 0; channel 1 < 0 marks a gap between tiles
// Values are mapped from u_range to [0, 1] and clamped. NaN or Inf shows
// magenta, so a diverged network is never a silent black picture.

uniform sampler2D u_values;
uniform sampler2D u_lut;      // 256 x 1 colormap; entry k shows values in [k, k+1) / 256
uniform sampler2D u_classes;  // N x 1 class colours
uniform int u_kind;
uniform int u_channels;       // values channels in use (1-4)
uniform int u_discrete;
uniform float u_tint;         // share of the class colour in a region at full confidence
uniform vec2 u_range;         // (value shown as 0, value shown as 1)
uniform vec2 u_origin;        // lower-left corner of the picture in framebuffer pixels

out vec4 sp_colour;

const vec3 SP_NAN_COLOUR = vec3(1.0, 0.0, 1.0);
const vec3 SP_GAP_COLOUR = vec3(0.08, 0.08, 0.1);

vec4 sp_value(ivec2 offset) {
    ivec2 size = textureSize(u_values, 0);
    ivec2 at = clamp(ivec2(gl_FragCoord.xy - u_origin) + offset, ivec2(0), size - 1);
    return texelFetch(u_values, at, 0);
}

vec3 sp_map(float v) {
    float t = clamp((v - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0);
    return texelFetch(u_lut, ivec2(min(int(t * 256.0), 255), 0), 0).rgb;
}

vec3 sp_class_colour(float k) {
    int n = textureSize(u_classes, 0).x;
    return texelFetch(u_classes, ivec2(int(k) % n, 0), 0).rgb;
}

vec3 sp_hash_colour(float h) {
    uint u = uint(h) * 2654435761u;  // spread neighbouring hashes apart
    return 0.25 + 0.7 * vec3(float(u >> 24), float((u >> 16) & 255u), float((u >> 8) & 255u)) / 255.0;
}

void main() {
    vec4 v = sp_value(ivec2(0));
    vec3 rgb;
    if (u_kind == 1) {
        vec4 t = clamp((v - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0);
        rgb = vec3(t.r, t.g, u_channels > 2 ? t.b : 0.0);
    } else if (u_kind == 2) {
        vec3 c = sp_class_colour(v.x);
        if (u_discrete == 1) {
            bool edge = sp_value(ivec2(1, 0)).x != v.x || sp_value(ivec2(0, 1)).x != v.x;
            rgb = edge ? 0.35 * c : mix(vec3(0.96), c, u_tint);
        } else {
            rgb = mix(vec3(0.96), c, u_tint * clamp(v.y, 0.0, 1.0));
        }
    } else if (u_kind == 3) {
        rgb = sp_hash_colour(v.x);
    } else if (u_kind == 4) {
        rgb = v.y < 0.0 ? SP_GAP_COLOUR : sp_map(v.x);
    } else {
        rgb = sp_map(v.x);
    }
    bvec4 used = lessThan(ivec4(0, 1, 2, 3), ivec4(u_channels));
    bool bad = any(bvec4(ivec4(used) * (ivec4(isnan(v)) + ivec4(isinf(v)))));
    sp_colour = vec4(bad ? SP_NAN_COLOUR : rgb, 1.0);
}
