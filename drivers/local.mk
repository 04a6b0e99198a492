# drivers/: block layer, disks, terminal and console drivers (kernel side).
# Nothing is built here yet; see DESIGN.md section 6.
