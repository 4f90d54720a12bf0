// Entry point of an exported network (`shaderplay export`): Shadertoy's
// mainImage, GLSL ES 3.00 syntax, no uniforms of its own. shaderplay/export.py
// writes above this file the #defines (network, view, value range) and the
// constant arrays sp_params (the packed weights, shaderplay/gpu/layout.py)
// and, for one output, sp_lut (the colormap's 256 entries).
//
// The view is baked in as SP_VIEW_CENTRE, SP_VIEW_SCALE (half the height of
// the domain) and SP_VIEW_ASPECT (domain width / height; 0.0 follows the
// canvas, so pixels stay square); edit them to pan and zoom.

// storage.glsl's uniform block or texture does not exist in Shadertoy: its
// include guard keeps it out (export.py also leaves its text out of the file).
#define SP_STORAGE
vec4 sp_param(int i) { return sp_params[i]; }

#include "network.glsl"

// Pixel centre -> domain point, as shaders/view.glsl does with uniforms.
vec2 sp_export_point(vec2 frag, vec2 res) {
    float aspect = SP_VIEW_ASPECT > 0.0 ? SP_VIEW_ASPECT : res.x / res.y;
    vec2 pixel = 2.0 * SP_VIEW_SCALE * vec2(aspect, 1.0) / res;
    return SP_VIEW_CENTRE + (frag - 0.5 * res) * pixel;
}

// The default picture of shaders/colour.frag.glsl: SP_RANGE mapped to [0, 1],
// one output through the colormap, two or three as R, G(, B); NaN or Inf in
// a shown channel is magenta.
vec3 sp_export_colour(vec4 v) {
    vec4 t = clamp((v - SP_RANGE.x) / (SP_RANGE.y - SP_RANGE.x), 0.0, 1.0);
#if SP_CHANNELS == 1
    vec3 rgb = sp_lut[min(int(t.x * 256.0), 255)];
#else
    vec3 rgb = vec3(t.r, t.g, SP_CHANNELS > 2 ? t.b : 0.0);
#endif
    bvec4 used = lessThan(ivec4(0, 1, 2, 3), ivec4(SP_CHANNELS));
    bool bad = any(bvec4(ivec4(used) * (ivec4(isnan(v)) + ivec4(isinf(v)))));
    return bad ? vec3(1.0, 0.0, 1.0) : rgb;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    // A layer count the compiler cannot fold keeps the layer loop a loop
    // (an unrolled deep network compiles for minutes).
    int layers = SP_LAYERS + min(iFrame, 0);
    sp_network(sp_export_point(fragCoord, iResolution.xy), layers);
    fragColor = vec4(sp_export_colour(sp_h[0]), 1.0);
}
