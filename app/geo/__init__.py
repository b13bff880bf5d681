"""Geography without HTTP: coordinates (:mod:`.coords`) and opening hours (:mod:`.hours`)."""
