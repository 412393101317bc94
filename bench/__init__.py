"""Province-scale benchmarks (`make bench`): each module measures one figure of issue #8
against the database at DATABASE_URL, loaded with `generate_province --scale 1.0`."""
