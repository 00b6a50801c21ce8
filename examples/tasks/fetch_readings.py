"""Hourly temperature readings for one city and one day (deterministic, so runs are comparable)."""

import math
import random


def main(context):
    city = context["params"]["city"]
    day = context["ds"]
    rng = random.Random(f"{city}-{day}")
    base = rng.uniform(24.0, 36.0)
    readings = []
    for hour in range(24):
        # A daily curve peaking mid-afternoon, plus noise.
        temperature = base + 7 * math.sin((hour - 9) / 24 * 2 * math.pi) + rng.uniform(-1.5, 1.5)
        readings.append({"city": city, "hour": hour, "temperature_c": round(temperature, 1)})
    print(f"fetched {len(readings)} readings for {city} on {day}")
    return readings
