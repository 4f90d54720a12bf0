// Plain coloured lines (the representation view's warped grid), premultiplied.
in vec4 v_colour;
in float v_hollow;
out vec4 sp_colour;

void main() { sp_colour = vec4(v_colour.rgb * v_colour.a, v_colour.a); }
