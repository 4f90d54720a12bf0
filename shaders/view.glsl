// Pixel -> domain point: the shader side of shaderplay/view.py. The point is
// centre + offset * pixel size, so zooming far in away from the origin does
// not lose float precision to the difference of two large numbers.
// gl_FragCoord is at the pixel centre and its y grows upwards, as the domain's.
#ifndef SP_VIEW
#define SP_VIEW

uniform vec2 u_centre;  // domain point at the centre of the picture
uniform vec2 u_pixel;   // domain units per pixel along x and y
uniform vec2 u_half;    // half the picture size in pixels
uniform vec2 u_origin;  // lower-left corner of the picture in framebuffer pixels

vec2 sp_domain_point(vec2 frag) { return u_centre + (frag - u_origin - u_half) * u_pixel; }

#endif
