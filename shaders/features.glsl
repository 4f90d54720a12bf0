// Input features, one per fixed entry of shaderplay/features.py ("feat_" prefix).
// The Fourier (fsin<k>/fcos<k>) and latent (z<k>) families read their matrix
// and values from the parameter storage; network.glsl handles them.
#ifndef SP_FEATURES
#define SP_FEATURES

float feat_x(vec2 p) { return p.x; }
float feat_y(vec2 p) { return p.y; }
float feat_x2(vec2 p) { return p.x * p.x; }
float feat_y2(vec2 p) { return p.y * p.y; }
float feat_xy(vec2 p) { return p.x * p.y; }
float feat_sinx(vec2 p) { return sin(p.x); }
float feat_siny(vec2 p) { return sin(p.y); }
float feat_cosx(vec2 p) { return cos(p.x); }
float feat_cosy(vec2 p) { return cos(p.y); }
float feat_r(vec2 p) { return length(p); }

#endif
