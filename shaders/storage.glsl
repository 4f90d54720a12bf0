// Parameter storage: sp_param(i) is the i-th vec4 of the packed parameters
// (shaderplay/gpu/layout.py). A std140 uniform block of vec4s (never float[]:
// std140 pads each float to 16 bytes) while the network fits
// GL_MAX_UNIFORM_BLOCK_SIZE; else an RGBA32F texture, SP_TEX_WIDTH texels a
// row, filled row after row. Python sets SP_STORAGE_TEXTURE to pick one.
#ifndef SP_STORAGE
#define SP_STORAGE

#if SP_STORAGE_TEXTURE
uniform sampler2D sp_param_tex;
vec4 sp_param(int i) { return texelFetch(sp_param_tex, ivec2(i & (SP_TEX_WIDTH - 1), i >> SP_TEX_SHIFT), 0); }
#else
layout(std140) uniform SpParams { vec4 sp_params[SP_PARAM_VEC4]; };
vec4 sp_param(int i) { return sp_params[i]; }
#endif

#endif
