# access.sh -- aimaq access and aimaq network on small made-up networks
# (tests/data/network/SOURCE.md), the bench-peers input format, and the
# messages for bad input.
. tests/cli/lib.inc
D=tests/data/network

# Per node, the bench-peers format: node, minutes, centre.
printf 'node\n10\n' > "$T/c.csv"
expect 0 "$AIMAQ" access --edges $D/edges.csv --centres "$T/c.csv" --format csv
has "$T/out" "node,minutes,centre"
has "$T/out" "30,20,10"
has "$T/out" "40,30,10"
has "$T/out" "50,,"          # another part of the network: empty

# Kinds: a column per kind; settlements with the unreachable ones named.
expect 0 "$AIMAQ" access --edges $D/edges.csv --centres $D/centres.csv --centre-id name \
  --settlements $D/settlements.csv --format csv
has "$T/out" "settlement,node,snap_km,population,minutes_hospital,centre_hospital,minutes_school,centre_school"
has "$T/out" "S2,30,,500,20,Central hospital,10,School 1"
has "$T/out" "S3,50,,250,7,East clinic,,"
has "$T/err" "1 settlement(s) with 250 people reach no school centre"
has "$T/err" "S3 (250)"

# Population summary and catchments.
expect 0 "$AIMAQ" access --edges $D/edges.csv --centres $D/centres.csv --settlements $D/settlements.csv \
  --summary --format csv
has "$T/out" "kind,population,unreachable_population,share_30,share_60,share_120,mean_minutes,max_minutes,gini_minutes"
has "$T/out" "school,1750,250,"
expect 0 "$AIMAQ" access --edges $D/edges.csv --centres $D/centres.csv --centre-id name \
  --settlements $D/settlements.csv --catchments --format csv
has "$T/out" "hospital,Central hospital,10,2,1500,"
has "$T/out" "hospital,East clinic,60,1,250,7,7"

# OD pairs by settlement id.
printf 'origin,destination\nS1,S2\nS1,S3\n' > "$T/od.csv"
expect 0 "$AIMAQ" access --edges $D/edges.csv --settlements $D/settlements.csv --od "$T/od.csv" --format csv
has "$T/out" "S1,S2,10"
has "$T/out" "S1,S3,"
has "$T/err" "1 pair(s) are not connected"

# 2SFCA within 25 minutes (every facility of the file): the central
# hospital (capacity 100) serves S1 (10 min) and S2 (20 min): 100/1500 each;
# the school (300) serves S2 (10) and S1 (20): 300/1500; S3 has the east
# clinic (20) alone: 20/250 = 0.08. S1 and S2 get 1/15 + 1/5 = 0.2667.
expect 0 "$AIMAQ" access --edges $D/edges.csv --centres $D/centres.csv --settlements $D/settlements.csv \
  --2sfca --cutoff 25 --format csv
has "$T/out" "settlement,node,population,ratio,per_1000,facilities_within"
has "$T/out" "S1,20,1000,0.266666666666666"
has "$T/out" "S3,50,250,0.08,80,1"

# Bad input: centres off the network, negative times, unknown settlements.
printf 'node\n10\n99\n' > "$T/off.csv"
expect 2 "$AIMAQ" access --edges $D/edges.csv --centres "$T/off.csv"
has "$T/err" "1 centre(s) are not nodes of the network: '99' (line 3)"
printf 'from,to,minutes\n1,2,5\n2,3,-4\n' > "$T/neg.csv"
expect 2 "$AIMAQ" access --edges "$T/neg.csv" --centres "$T/c.csv"
has "$T/err" "line 3: the travel time -4 minutes is negative"
printf 'origin,destination\nS1,S9\n' > "$T/od9.csv"
expect 2 "$AIMAQ" access --edges $D/edges.csv --settlements $D/settlements.csv --od "$T/od9.csv"
has "$T/err" "no settlement 'S9'"
expect 1 "$AIMAQ" access --centres $D/centres.csv

# Networks from lines and OpenStreetMap: the same crossing, split at the
# shared vertex into 4 edges of 5 nodes (the GeoJSON adds a separate road).
expect 0 "$AIMAQ" network $D/roads.osm --format csv --edges-out "$T/osm_edges.csv" --nodes-out "$T/osm_nodes.csv"
has "$T/out" "nodes,edges,directed,components"
has "$T/out" "5,4,0,1,1,"
has "$T/osm_edges.csv" "0,1,2.61565"
has "$T/osm_edges.csv" ",primary"
expect 0 "$AIMAQ" network $D/roads.geojson --format csv
has "$T/out" "7,5,0,2,"
has "$T/err" "left out 1 line(s) of classes without a speed ('path'"
# Snap villages to the OSM network, then time them to a centre at node 1.
expect 0 "$AIMAQ" network $D/roads.osm --settlements $D/villages.csv --format csv
has "$T/out" "1,0,0.1312"
printf 'node\n1\n' > "$T/c1.csv"
expect 0 "$AIMAQ" access --edges "$T/osm_edges.csv" --nodes "$T/osm_nodes.csv" --centres "$T/c1.csv" \
  --settlements $D/villages.csv --max-snap 5 --format csv
has "$T/out" "1,0,0.1312"
has "$T/err" "1 settlement(s) are more than 5 km from the network"
# Without roads: straight-line times (great-circle km x 1.3 at 60 km/h), said
# in every output. Minutes from (76, 43) by haversine (R = 6371.0088 km),
# worked out in Python: to (76.5, 43) 52.85982877990917, to (77, 44)
# 178.57561644356235.
printf 'id,lon,lat,pop\nA,76.0,43.0,100\nB,76.5,43.0,200\nC,77.0,44.0,300\n' > "$T/sl.csv"
printf 'name,lon,lat\nHub,76.0,43.0\n' > "$T/hub.csv"
expect 0 "$AIMAQ" access --straight-line --centres "$T/hub.csv" --settlements "$T/sl.csv" --format csv
has "$T/out" "settlement,node,snap_km,population,minutes,centre,time_basis"
has "$T/out" "B,1,0,200,52.85982877990"
has "$T/out" "C,2,0,300,178.5756164435"
has "$T/out" ",Hub,\"straight-line estimate: great-circle km x 1.3 at 60 km/h, not road time\""
has "$T/err" "times are straight-line estimates"
expect 0 "$AIMAQ" access --straight-line --circuity 1 --speed 30 --centres "$T/hub.csv" --settlements "$T/sl.csv" --summary --format csv
has "$T/out" "all,600,0,0.16666666666666666,0.16666666666666666,0.5,"
expect 1 "$AIMAQ" access --straight-line --circuity 0.8 --centres "$T/hub.csv" --settlements "$T/sl.csv"
expect 1 "$AIMAQ" access --straight-line --centres "$T/hub.csv"
# Centres by coordinates on a road network: snapped, or off the network.
printf 'node,x,y\n10,0,0\n20,1,0\n30,2,0\n40,3,0\n50,9,9\n60,10,9\n' > "$T/nodes.csv"
printf 'name,x,y\nNear,0.01,0\nFar,50,50\n' > "$T/cxy.csv"
expect 2 "$AIMAQ" access --edges $D/edges.csv --nodes "$T/nodes.csv" --centres "$T/cxy.csv" --max-snap 5 --settlements $D/settlements.csv
has "$T/err" "1 centre(s) are off the network (more than 5 km from a node): line 3"

# From the store: settlements of a level with their population of a period,
# centres = the current units of another level (their polygon centroids).
# A small store (tests/data/small_store): four settlements with points, two
# districts with polygons (centroids (76, 43) and (80, 50)), population in
# 2022 and 2023, income; on this run's engine.
DB=$(small_store s.db) || { finish; exit 1; }
expect 0 "$AIMAQ" access --straight-line --db "$DB" --level settlement --period 2023 --centres-level district --format csv
has "$T/out" "B,1,0,200,52.85982877990"
has "$T/out" "E,3,0,50,0,D2,"
hasnt "$T/out" "D0"
expect 1 "$AIMAQ" access --straight-line --db "$DB" --level settlement --centres-level district
has "$T/err" "periods 2022 and 2023"
expect 2 "$AIMAQ" access --straight-line --db "$DB" --level settlement --period 2019 --centres-level district
has "$T/err" "the store has no population at level 'settlement' for period 2019"
finish
