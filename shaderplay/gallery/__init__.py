"""The gallery: the articles' findings as recipes, each one shaderplay command
(a render, a sweep, a recording) with the finding it shows and what to look
for. recipes.py reads them from assets/gallery/; page.py writes the static
page that shows what they made. `shaderplay explore` runs them.
"""
