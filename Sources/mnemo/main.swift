print("mnemo")
