"""Libya's outline as a small polyline of (latitude, longitude) points, for the places map.

Written for this project from the country's well-known corners (Ras Ajdir, the Gulf of Sirte,
the Jebel Akhdar coast, the straight Egyptian and southern borders); accurate to a few tens of
kilometres, which is what a 60-column map can show. Closed: the last point joins the first.
"""

from __future__ import annotations

OUTLINE: tuple[tuple[float, float], ...] = (
    # The coast, west to east.
    (33.17, 11.56),  # Ras Ajdir, on the Tunisian border
    (32.92, 12.30),
    (32.88, 13.15),  # Tripoli
    (32.72, 13.80),
    (32.62, 14.30),  # Khoms
    (32.38, 15.10),  # Misrata
    (31.80, 15.40),
    (31.25, 15.90),
    (31.20, 16.60),  # Sirte
    (30.80, 17.60),
    (30.45, 18.50),  # Ras Lanuf
    (30.30, 19.20),  # Brega
    (30.70, 19.90),
    (31.50, 20.00),
    (32.10, 20.05),  # Benghazi
    (32.50, 20.60),
    (32.90, 21.50),
    (32.85, 22.20),
    (32.75, 22.65),  # Derna
    (32.40, 23.10),
    (32.08, 23.97),  # Tobruk
    (31.95, 24.60),
    (31.60, 25.15),  # the Egyptian border at the coast
    # Egypt, then Sudan.
    (30.60, 24.90),
    (29.20, 24.90),
    (26.00, 25.00),
    (22.00, 25.00),
    (20.00, 24.00),
    (19.50, 24.00),
    # Chad, then Niger.
    (20.80, 21.00),
    (22.20, 18.50),
    (23.45, 16.00),
    (22.60, 14.20),
    (23.00, 13.40),
    (23.50, 11.98),
    # Algeria, then Tunisia.
    (24.30, 10.80),
    (24.90, 10.10),
    (26.00, 9.90),
    (26.60, 9.50),
    (28.00, 9.80),
    (30.10, 9.55),
    (30.50, 10.00),
    (31.40, 10.30),
    (32.10, 11.20),
)

SOUTH, NORTH = 19.5, 33.2
WEST, EAST = 9.4, 25.2
"""The box the map shows: Libya's extent, so a place abroad (Geneva) has no mark."""
