// A disc (or a ring, for test points) with a dark rim, anti-aliased.
// Writes premultiplied colour for (ONE, ONE_MINUS_SRC_ALPHA) blending.
in vec4 v_colour;
in float v_hollow;
uniform float u_radius;

out vec4 sp_colour;

void main() {
    float r = length(gl_PointCoord - 0.5) * (2.0 * u_radius + 2.0);  // pixels from the centre
    float cover = clamp(u_radius + 0.5 - r, 0.0, 1.0);              // inside the disc
    float ring = clamp(r - (u_radius - 3.0) + 0.5, 0.0, 1.0);       // its outer 3 px
    float rim = clamp(r - (u_radius - 1.0) + 0.5, 0.0, 1.0);        // its outer 1 px: dark outline
    vec3 rgb = mix(v_colour.rgb, vec3(0.1), rim);
    float alpha = cover * (v_hollow > 0.5 ? ring : 1.0) * v_colour.a;
    sp_colour = vec4(rgb * alpha, alpha);
}
